#!/usr/bin/env python3
"""Regenerate crates/siak-mock/data/villages.txt.gz from the npm package `idn-area-data`.

The villages (kelurahan/desa) come from `idn-area-data` (data licensed ODbL 1.0, package code MIT).
siak-mock embeds them to give synthetic residents real addresses; ikd-core does not need them.

Format of the decompressed text (UTF-8, one line per district, sorted by district code):

    PPRRDD<TAB>entry|entry|...

where each entry is `NAME` (village code = previous code + 1) or `SSSS=NAME` (village code given
explicitly; always the case for the first entry). The full village code is PPRRDDSSSS. Codes
starting with 1 are kelurahan (urban), 2 desa (rural).

Usage (run at commit time, not in CI; needs npm):
    scripts/gen-villages.py [VERSION]
"""
import csv, gzip, hashlib, io, subprocess, sys, tarfile, tempfile, pathlib

VERSION = sys.argv[1] if len(sys.argv) > 1 else "4.0.1"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/siak-mock/data/villages.txt.gz"

def main():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"idn-area-data@{VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(pathlib.Path(tmp).glob("idn-area-data-*.tgz"))
        digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
        with tarfile.open(tgz) as tar:
            data = tar.extractfile("package/data/villages.csv").read().decode("utf-8")
            rows = list(csv.DictReader(io.StringIO(data)))

    districts = {}
    for r in rows:
        district = int(r["district_code"].replace(".", ""))
        suffix = int(r["code"].split(".")[-1])
        name = r["name"].strip()
        assert name and not any(c in name for c in "|=\t\n"), name
        assert 0 < suffix <= 9999, r
        districts.setdefault(district, []).append((suffix, name))

    lines = []
    for district, villages in sorted(districts.items()):
        villages.sort()
        entries, prev = [], None
        for suffix, name in villages:
            entries.append(name if prev is not None and suffix == prev + 1 else f"{suffix:04}={name}")
            prev = suffix
        lines.append(f"{district:06}\t" + "|".join(entries))
    text = ("\n".join(lines) + "\n").encode("utf-8")
    # mtime=0 keeps the output byte-identical between runs.
    OUT.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"wrote {OUT}: {len(rows)} villages in {len(districts)} districts "
          f"from idn-area-data@{VERSION} (tarball sha256 {digest})")

if __name__ == "__main__":
    main()
