"""Derive ``gazetteer.tsv.gz`` from the ``vietnamadminunits`` package (MIT). Run by hand.

The package is heavy to import (shapely, geopy, ~2 s, ~100 MB) and parses addresses,
not free text, so the project never depends on it: this script asks a separate
environment for the package's raw pre-2025 table and writes a small TSV that
``indexer.articles.places`` loads in milliseconds.

Usage (from the repository root, with the project's own venv)::

    python3 -m venv /tmp/venv-gaz && /tmp/venv-gaz/bin/pip install vietnamadminunits==1.0.4
    /tmp/venv/bin/python indexer/data/derive_gazetteer.py --gaz-python /tmp/venv-gaz/bin/python

The package's rows are fetched through ``vietnamadminunits.database.get_data`` in a
subprocess, so this interpreter only needs the project (for ``normalize`` and ``fold``).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType


def _load_text() -> ModuleType:
    """``indexer.text``, loaded by path: the same normal form and folding as the articles,
    without importing the whole ``indexer`` package (and its build machinery)."""
    path = Path(__file__).resolve().parents[2] / "text.py"
    spec = importlib.util.spec_from_file_location("_vnsearch_analysis", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_text = _load_text()
normalize = _text.normalize

OUT = Path(__file__).with_name("gazetteer.tsv.gz")

_FETCH = r"""
import json, sys, vietnamadminunits
from importlib.metadata import version
from vietnamadminunits.database import get_data
from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE
legacy = get_data(fields=['province', 'provinceCode', 'provinceKey', 'district', 'districtType',
                          'districtCode', 'districtAlias', 'ward', 'wardType', 'wardCode', 'wardAlias'],
                  table='admin_units_legacy')
new = get_data(fields=['provinceShort', 'provinceKey'], table='admin_units')
json.dump({'version': version('vietnamadminunits'), 'legacy': legacy, 'new': new,
           'province_map': DICT_PROVINCE}, sys.stdout, ensure_ascii=False)
"""

# The package's table is the state of early 2025 (63 provinces, 696 districts). Huế
# became a centrally governed city on 2025-01-01; before that, and in the archive,
# it is "Tỉnh Thừa Thiên Huế" with a district-level "Thành phố Huế".
PROVINCE_OVERRIDES = {"Huế": ("Thừa Thiên Huế", "tỉnh")}

# Names news uses for a province that no source lists. Matched in text like names.
PROVINCE_ALIASES = {
    "Hồ Chí Minh": ["HCM", "TPHCM", "HCMC", "Sài Gòn"],
    "Bà Rịa - Vũng Tàu": ["BR-VT", "BRVT"],
    "Thừa Thiên Huế": ["Huế", "Thừa Thiên - Huế", "TT-Huế", "TT Huế"],
    "Đắk Lắk": ["Đắc Lắc", "Daklak", "DakLak"],
    "Đắk Nông": ["Đắc Nông", "Daknong"],
    "Kon Tum": ["KonTum", "Kontum"],
    "Bắc Kạn": ["Bắc Cạn"],
}

# Pre-2025 districts the early-2025 snapshot no longer has (province, type, name), where
# the package's alias keys cannot be spelt back unambiguously ("dongson": Đông Sơn or
# Đồng Sơn?) or carry no key at all. Each goes under its old province.
HISTORICAL_DISTRICTS = [
    ("Thừa Thiên Huế", "thành phố", "Huế"),  # split into Thuận Hóa and Phú Xuân, 2024
    ("Hồ Chí Minh", "quận", "2"),  # merged into TP Thủ Đức, 2021
    ("Hồ Chí Minh", "quận", "9"),  # merged into TP Thủ Đức, 2021
    ("Bà Rịa - Vũng Tàu", "huyện", "Tân Thành"),  # became thị xã Phú Mỹ, 2018
    ("Thanh Hóa", "huyện", "Tĩnh Gia"),  # became thị xã Nghi Sơn, 2020
    ("Thanh Hóa", "huyện", "Đông Sơn"),  # merged into TP Thanh Hóa
    ("Nghệ An", "thị xã", "Cửa Lò"),  # merged into TP Vinh
    ("Bắc Giang", "huyện", "Yên Dũng"),  # merged into TP Bắc Giang
    ("Thừa Thiên Huế", "huyện", "Nam Đông"),  # merged into Phú Lộc
    ("Quảng Nam", "huyện", "Nông Sơn"),  # merged into Quế Sơn
    ("Quảng Ngãi", "huyện", "Tây Trà"),  # merged into Trà Bồng, 2020
    ("Lâm Đồng", "huyện", "Cát Tiên"),  # merged into Đạ Huoai
]


_TYPES = ["Thành phố", "Thị xã", "Thị trấn", "Quận", "Huyện", "Phường", "Xã", "Tỉnh"]


def _split_type(full: str, unit_type: str | None) -> tuple[str, str]:
    """'Thành phố Thủ Dầu Một' -> ('thành phố', 'Thủ Dầu Một').

    The type comes from the full name, case-insensitively: the table also writes
    'Thị Xã Buôn Hồ', and its type column says 'Xã' for 'Thị trấn Ngọc Lặc' and 'Phường 5'.
    Only one prefix is removed: 'Phường Phường Đúc' is the ward 'Phường Đúc'.
    """
    for prefix in _TYPES:
        if full.lower().startswith(prefix.lower() + " "):
            return prefix.lower(), full[len(prefix) + 1:]
    return (unit_type or "").lower(), full


def _clean_name(name: str) -> str:
    """Normalise like the text and undo the source's lower-cased initials ('Đồng ý' -> 'Đồng Ý').

    Only 'Nông trường X' keeps a lower-case syllable on purpose; other lower-case
    initials in the table are casing slips of initials with diacritics.
    """
    words = normalize(name).split(" ")
    fixed = [w if (not w[:1].islower() or (w == "trường" and i and words[i - 1] == "Nông")) else w[:1].upper() + w[1:]
             for i, w in enumerate(words)]
    return " ".join(fixed)


# Keys in the package's alias lists ("huyendatdo", "phuongtrungphung") start with the
# former unit's type, folded and without spaces.
_ALIAS_TYPES = [("thanhpho", "thành phố"), ("thixa", "thị xã"), ("thitran", "thị trấn"), ("huyen", "huyện"),
                ("quan", "quận"), ("phuong", "phường"), ("xa", "xã"), ("tp", "thành phố"), ("tx", "thị xã")]


def _compact(name: str) -> str:
    """'Đất Đỏ' -> 'datdo', the form of the package's alias keys."""
    return "".join(ch for ch in _text.fold(name) if ch.isalnum())


def _former_units(rows: dict[str, list[str]], aliases: dict[str, list[str]]) -> list[list[str]]:
    """Units merged away before the snapshot, from the package's alias keys.

    The keys have no diacritics, so a former unit is kept only when exactly one
    spelling of that key occurs among all unit names ("datdo" -> "Đất Đỏ", the
    township that kept the old district's name); the rest cannot be spelt safely.
    Each becomes a row under the parent of the unit it merged into.
    """
    spellings: dict[str, set[str]] = {}
    for row in rows.values():
        spellings.setdefault(_compact(row[2]), set()).add(row[2])
    found: dict[tuple[str, str], list[str]] = {}
    for uid, keys in aliases.items():
        current = rows[uid]
        siblings = {_compact(r[2]) for r in rows.values() if r[3] == current[3]}
        for key in keys:
            utype = None
            for folded, name in _ALIAS_TYPES:
                if key.startswith(folded) and len(key) > len(folded) + 2:
                    key, utype = key[len(folded):], name
                    break
            if any(ch.isdigit() for ch in key) or key in siblings or len(spellings.get(key, ())) != 1:
                continue
            level = uid[0]
            entry = found.setdefault((current[3], key), [level, utype or current[1], next(iter(spellings[key])),
                                                         current[3], uid])
            if utype:
                entry[1] = utype
    out = []
    for n, (level, utype, name, parent, successor) in enumerate(found.values(), 1):
        out.append([f"{level}H{n}", utype, name, parent, "", "", successor])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaz-python", default="/tmp/venv-gaz/bin/python",
                        help="a Python that has vietnamadminunits installed")
    args = parser.parse_args()
    raw = json.loads(subprocess.run([args.gaz_python, "-c", _FETCH], check=True,
                                    capture_output=True, text=True).stdout)

    new_names = {r["provinceKey"]: r["provinceShort"] for r in raw["new"]}
    old_to_new = {old: new_names[new] for new, olds in raw["province_map"].items() for old in olds}

    rows: dict[str, list[str]] = {}
    province_ids: dict[str, str] = {}
    former: dict[str, list[str]] = {}
    for r in raw["legacy"]:
        pid = "P" + r["provinceCode"]
        if pid not in rows:
            ptype, name = _split_type(r["province"], None)
            name, ptype = PROVINCE_OVERRIDES.get(name, (_clean_name(name), ptype))
            rows[pid] = [pid, ptype, name, "", _clean_name(old_to_new[r["provinceKey"]]),
                         "|".join(PROVINCE_ALIASES.get(name, []))]
            province_ids[name] = pid
        did = "D" + r["districtCode"]
        if did not in rows:
            dtype, name = _split_type(r["district"], r["districtType"])
            rows[did] = [did, dtype, _clean_name(name), pid, "", ""]
            former[did] = json.loads(r["districtAlias"] or "[]")
        if r["ward"]:
            cid = "C" + r["wardCode"]
            ctype, name = _split_type(r["ward"], r["wardType"])
            rows[cid] = [cid, ctype, _clean_name(name), did, "", ""]
            former[cid] = json.loads(r["wardAlias"] or "[]")
    for row in rows.values():
        row.append("")  # successor: only former units have one
    merged = _former_units(rows, former)
    hand = [[f"DX{n}", dtype, name, province_ids[province], "", "", ""]
            for n, (province, dtype, name) in enumerate(HISTORICAL_DISTRICTS, 1)]
    for row in merged + hand:
        rows[row[0]] = row

    header = (f"# Vietnam's administrative units before July 2025, from vietnamadminunits {raw['version']} (MIT), "
              "derived by indexer/data/derive_gazetteer.py\n"
              "# id\ttype\tname\tparent\tprovince_2025\taliases\tsuccessor   (id: P province, D district, C commune; "
              "DH/CH: former units from the package's alias lists, merged into successor; DX: added by hand)\n")
    body = "".join("\t".join(row) + "\n" for row in rows.values())
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:  # mtime=0: same input, same bytes
        f.write((header + body).encode("utf-8"))
    counts = {k: sum(1 for i in rows if i[0] == k and i[1].isdigit()) for k in "PDC"}
    print(f"{OUT}: {counts}, former {sum(1 for r in merged if r[0][0] == 'D')} districts and "
          f"{sum(1 for r in merged if r[0][0] == 'C')} communes, {len(hand)} by hand, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
