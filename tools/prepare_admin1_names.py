"""geo/gazetteer/admin1_names.csv: the GeoNames English name of each Natural Earth admin-1 region, where it
differs from Natural Earth's ("West Java" for Jawa Barat, "Sindh" for Sind, "Khyber Pakhtunkhwa"), as overlay
rows naming the region by its admin-1 code (`same_as`), loaded at index build like geo/gazetteer/overlay.csv.

    python tools/prepare_admin1_names.py PATH/TO/admin1CodesASCII.txt

Input: GeoNames `admin1CodesASCII.txt` (code, name, ASCII name, geonameid; CC BY 4.0). A name is taken only
when exactly one Natural Earth region of that country carries that GeoNames code (`gn_admin1` in
geo/gazetteer/ne_10m_admin_1_label_points.csv): where Natural Earth's units are provinces inside GeoNames'
regions (the Philippines), the region's name would name several, and is left out. Only for regions with
at least 100,000 people in their GeoNames towns (not "North Side", Anguilla, as a name), and only names the
index does not know yet (not "Dubai" for Dubayy: the city stands for its region already).
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mapgen.gazetteer import Gazetteer, name_key  # noqa: E402

GAZ = ROOT / "geo" / "gazetteer"
OUT = GAZ / "admin1_names.csv"
SOURCE = ("GeoNames admin1CodesASCII.txt, {code} (geonameid {gid}), CC BY 4.0: English name of Natural Earth admin-1 "
          "{adm1} ({ne_name})")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    names = {}
    with open(argv[0], encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4:
                names[parts[0]] = (parts[1], parts[2], parts[3])
    with open(GAZ / "ne_10m_admin_1_label_points.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    per_code: dict[str, list[dict]] = {}
    for r in rows:
        if r["gn_admin1"] and r["iso_a2"]:
            per_code.setdefault(f"{r['iso_a2']}.{r['gn_admin1']}", []).append(r)
    gaz = Gazetteer.open()
    out = []
    for code, rs in sorted(per_code.items()):
        if len(rs) != 1 or code not in names or int(rs[0]["towns_population"] or 0) < 100_000:
            continue
        r = rs[0]
        name, ascii_name, gid = names[code]
        new = [n for n in dict.fromkeys((name, ascii_name)) if name_key(n) and name_key(n) != name_key(r["name"])
               and not gaz.lookup(name_key(n))]
        if not new:
            continue
        out.append({"id": f"admin1-{r['adm1_code'].lower()}", "name": new[0], "alternatenames": "|".join(new[1:]),
                    "lat": "", "lon": "", "country": r["iso_a2"], "kind": "alias", "population": "",
                    "same_as": r["adm1_code"],
                    "source": SOURCE.format(code=code, gid=gid, adm1=r["adm1_code"], ne_name=r["name"])})
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)
    print(f"{OUT}: {len(out)} regions with a GeoNames English name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
