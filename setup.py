"""Packaging: the metadata is in pyproject.toml. This adds mapgen's own geodata (geo/, less this repository's
stories) to the built package as mapgen/geo/, so a wheel works from any folder. An editable install has no
copy: it reads geo/ in the checkout (see mapgen.data.geo_dir)."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

GEO = Path(__file__).resolve().parent / "geo"
PROJECT_ONLY = {"stories"}  # geo/stories/ is this repository's project content, not tool data


class build_py_with_geo(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "mapgen" / "geo"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(GEO, target, ignore=lambda folder, names: [
            n for n in names if Path(folder) == GEO and n in PROJECT_ONLY or n == "__pycache__"])


setup(cmdclass={"build_py": build_py_with_geo})
