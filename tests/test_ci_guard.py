"""CI cannot pass with the browser tests skipped: with CI set and no Chromium, every one of them fails."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_browser_tests_fail_not_skip_under_ci_without_chromium(tmp_path):
    env = {**os.environ, "CI": "true", "MAPGEN_CHROMIUM": str(tmp_path / "no-chromium")}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/browser"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    summary = r.stdout.strip().splitlines()[-1]
    assert r.returncode != 0, r.stdout[-3000:]
    assert "skipped" not in summary and "error" in summary, summary
    assert "required when CI is set" in r.stdout
