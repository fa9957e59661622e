"""Regenerates shared/src/element/data.rs from pymatgen's periodic_table.json (and, for the
covalent radii of Bk-Lr, mendeleev's Pyykko values).

Inputs (set-up only, nothing is fetched at run time):
    pip download --no-deps pymatgen-core -d /tmp/pmg-wheel && unzip the wheel into /tmp/pmg
    pip download --no-deps mendeleev -d /tmp/pmg-wheel && unzip so that /tmp/pmg/mendeleev/elements.db exists
Then: python3 scripts/gen_element_table.py   (rewrites shared/src/element/data.rs; run from /work/main)
"""
import json, re, sqlite3
d = json.load(open('/tmp/pmg/pymatgen/core/periodic_table.json'))
src = open('/work/main/shared/src/element.rs').read()
SYMS = src.split('pub const SYMBOLS: [&str; 103] = [')[1].split('];')[0].replace('"', '').replace(',', ' ').split()
assert len(SYMS) == 103
exec(open('/tmp/pmg/pymatgen/core/molecule_structure_comparator.py').read().split('class CovalentRadius:')[1].split('class MoleculeStructureComparator')[0].replace('radius: ClassVar =', 'RCOV =').replace('    ', '', ).split('"""')[-1])
db = sqlite3.connect('/tmp/pmg/mendeleev/elements.db')
PYYKKO = {z: r for z, r in db.execute('select atomic_number, covalent_radius_pyykko from elements')}

def f(x): return repr(float(x))
def opt(x): return "None" if x is None else f"Some({f(x)})"

def period(z):
    if 57 <= z <= 71: return 6
    if 89 <= z <= 103: return 7
    t = 0
    for i, n in enumerate([2, 8, 8, 18, 18, 32, 32], 1):
        t += n
        if t >= z: return i

def group(z):
    if z == 1: return 1
    if z == 2: return 18
    if 3 <= z <= 18:
        if (z - 2) % 8 == 0: return 18
        if (z - 2) % 8 <= 2: return (z - 2) % 8
        return 10 + (z - 2) % 8
    if 19 <= z <= 54:
        if (z - 18) % 18 == 0: return 18
        return (z - 18) % 18
    if 57 <= z <= 71 or 89 <= z <= 103: return 3
    if (z - 54) % 32 == 0: return 18
    if (z - 54) % 32 >= 18: return (z - 54) % 32 - 14
    return (z - 54) % 32

def block(z):
    lan_act = 57 <= z <= 71 or 89 <= z <= 103
    if lan_act and z not in (71, 103): return 'F'
    g = group(z)
    if lan_act or 3 <= g <= 12: return 'D'
    if g in (1, 2) or z == 2: return 'S'
    return 'P'

def config(s):
    es = d[s]['Electronic structure']
    return es['0'] if isinstance(es, dict) else es

def valence(z, s):
    n = period(z)
    occ = {}
    for part in config(s).split('.'):
        if part.startswith('['): continue
        m = re.fullmatch(r'(\d)([spdf])(\d+)', part)
        occ[(int(m[1]), m[2])] = int(m[3])
    outer = occ.get((n, 's'), 0) + occ.get((n, 'p'), 0)
    if block(z) == 'S' or block(z) == 'P':
        return outer
    return outer + occ.get((n - 1, 'd'), 0)

out = []
def table(doc, name, ty, vals, per=8):
    for line in doc.strip().split("\n"):
        out.append("/// " + line if line else "///")
    out.append(f"pub(super) static {name}: [{ty}; 103] = [")
    line = "   "
    for v in vals:
        item = " " + v + ","
        if len(line) + len(item) > 100:
            out.append(line)
            line = "   "
        line += item
    out.append(line)
    out.append("];")
    out.append("")

out += [
"//! Per-element tables, indexed by Z − 1. Unless a table says otherwise, values are pymatgen's",
"//! (`pymatgen/core/periodic_table.json`, pymatgen-core 2026.10.16), so that formulas, masses and",
"//! densities agree with the Materials Project.",
"",
"use super::Block::{self, D, F, P, S};",
"",
]
table("English names (pymatgen spelling: \"Aluminum\", \"Cesium\").", "NAME", "&str",
      ['"%s"' % d[s]['Name'] for s in SYMS])
table("Standard atomic weight (amu); for elements without stable isotopes, the mass number of the\nlongest-lived isotope.",
      "ATOMIC_MASS", "f64", [f(d[s]['Atomic mass']) for s in SYMS])
table("Pauling electronegativity; `None` where pymatgen has none (He, Ne, Ar).",
      "ELECTRONEGATIVITY", "Option<f64>", [opt(d[s].get('X')) for s in SYMS])
table("Period (row); lanthanoids 6, actinoids 7.", "PERIOD", "u8", [str(period(z)) for z in range(1, 104)], per=30)
table("IUPAC group 1..=18; lanthanoids and actinoids (La–Lu, Ac–Lr) 3, as pymatgen.", "GROUP", "u8",
      [str(group(z)) for z in range(1, 104)])
table("Block: La–Yb and Ac–No are f, Lu and Lr d (as pymatgen); He is s (pymatgen says p).", "BLOCK", "Block",
      [block(z) for z in range(1, 104)])
rc = []
for z, s in enumerate(SYMS, 1):
    rc.append(f(RCOV[s]) if s in RCOV else f(PYYKKO[z] / 100))
table("Covalent radius (Å): Cordero et al., Dalton Trans. 2008, 2832 (H–Cm), as pymatgen's\n"
      "`CovalentRadius`: C is the sp² value (0.73; sp³ 0.76) and Mn, Fe, Co the means of the\n"
      "low- and high-spin values. Bk–Lr, which Cordero does not cover: Pyykkö & Atsumi,\n"
      "Chem. Eur. J. 2009, 15, 186 (single-bond radii).",
      "COVALENT_RADIUS", "f64", rc)
table("First ionisation energy (eV, NIST ASD).", "IONIZATION_ENERGY", "f64",
      [f(d[s]['Ionization energies'][0]) for s in SYMS])
table("Electron affinity (eV); negative for elements whose anion is unbound (theoretical\nestimates, e.g. He −0.52, N −0.07).",
      "ELECTRON_AFFINITY", "f64", [f(d[s]['Electron affinity']) for s in SYMS])
mv = {s: d[s].get('Molar volume') for s in SYMS}
mv['Tm'] = 18.12
table("Molar volume of the solid element (cm³/mol); `None` for At, Fr and Fm–Lr. Tm is\n"
      "168.934 / 9.32 g cm⁻³ = 18.12 (pymatgen's 19.1 does not match Tm's density).", "MOLAR_VOLUME",
      "Option<f64>", [opt(mv[s]) for s in SYMS])
table("Valence electrons: ns + np for s- and p-block elements (noble gases 8, He 2);\n"
      "ns + np + (n−1)d for d- and f-block elements, the f shell counted as core (as CGCNN,\n"
      "whose features need 1..=12).",
      "VALENCE_ELECTRONS", "u8", [str(valence(z, s)) for z, s in enumerate(SYMS, 1)], per=30)
table("Ground-state electron configuration, pymatgen notation (\"[Ar].3d6.4s2\").",
      "ELECTRONIC_STRUCTURE", "&str", ['"%s"' % config(s) for s in SYMS])
table("Common oxidation states (pymatgen); empty for He, Ne, Ar and Rn.", "COMMON_OXIDATION_STATES",
      "&[i8]", ["&[%s]" % ", ".join(str(x) for x in d[s].get('Common oxidation states') or []) for s in SYMS])
open('/work/main/shared/src/element/data.rs', 'w').write("\n".join(out).rstrip() + "\n")
print({z: valence(z, s) for z, s in enumerate(SYMS, 1)})
