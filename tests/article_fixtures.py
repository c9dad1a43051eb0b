"""The annotated articles the read and story tests share: the five seeds (found in
sources/ by their headline, however the files there are named) and the fixtures
shaped like other outlets' pages."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SEEDS = yaml.safe_load((FIXTURES / "seeds-story.yaml").read_text(encoding="utf-8"))
OTHERS = yaml.safe_load((FIXTURES / "fixtures-story.yaml").read_text(encoding="utf-8"))


def _find_seed(label: str) -> Path:
    headline = SEEDS[label]["headline"]
    for path in sorted(SOURCES.iterdir()):
        if path.suffix in (".txt", ".md", ".html") and headline in path.read_text(encoding="utf-8", errors="replace"):
            return path
    return SOURCES / label


SEED_PATHS = {label: _find_seed(label) for label in SEEDS}
ANNOTATED = {**{n: (SEED_PATHS[n], a) for n, a in SEEDS.items()}, **{n: (FIXTURES / n, a) for n, a in OTHERS.items()}}


def rules(name: str) -> dict:
    """One of builder/data's YAML files, as the tests read it."""
    return yaml.safe_load((ROOT / "builder" / "data" / name).read_text(encoding="utf-8"))
