"""The vocabularies every stage reads: level and domain crosswalks, label keys, the lemma table, the theme and
qualifier taggers, over the data files in pipeline/data (loaded through the bounded YAML loader).

A neutral package: extract, normalise, compare, lookup and publish import it, and it imports none of them.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
THEMES_FILE = DATA_DIR / "themes.yaml"          # themes, person words, polarity cues, early-help groups
QUALIFIERS_FILE = DATA_DIR / "qualifiers.yaml"  # severity, frequency and age words

# The four canonical levels of the common schema (SCHEMA.md), by number.
LEVEL_NAMES = {1: "universal", 2: "additional", 3: "complex", 4: "specialist"}
