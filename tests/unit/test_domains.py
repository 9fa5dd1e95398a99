"""The domain registry (civic.domains): the one place the spine learns which domains exist."""

import ast
import importlib
from pathlib import Path

import pytest

from civic import domains, postback
from civic.citizen import chat
from civic.i18n import catalogue
from tests.conftest import ROOT

LAYER = ROOT / "layers" / "civic" / "civic"


def test_codes_names_and_queues_are_unique():
    """GIVEN the registry WHEN read THEN no two domains share a name, a postback code or a queue variable."""
    for attribute in ("name", "code", "queue_env"):
        values = [getattr(d, attribute) for d in domains.DOMAINS]
        assert len(values) == len(set(values)), attribute


def test_a_keyword_belongs_to_one_domain_and_names_a_real_action():
    """GIVEN every domain's typed keywords WHEN collected THEN each is lower-case, stripped and unique."""
    seen = {}
    for domain in domains.DOMAINS:
        for word in domain.keywords:
            assert word == word.strip().lower(), word
            assert word not in seen, f"{word!r} in {seen.get(word)} and {domain.name}"
            seen[word] = domain.name


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_help_menu_is_built_from_every_domains_entries(lang):
    """GIVEN the registry's menu entries WHEN the help menu is built THEN one button per entry, in order,
    each labelled from the catalogue and starting its domain's action."""
    buttons = chat.menu(lang)
    expected = domains.menu()
    assert len(buttons) == len(expected) <= 13
    for button, (domain, entry) in zip(buttons, expected):
        assert button["label"] == catalogue(lang)[entry.label][:20]
        data = postback.decode(button["data"])
        assert (data.domain, data.action) == (domain, entry.action)


def test_every_holder_exports_and_erases():
    """GIVEN every holder module the registry names WHEN imported THEN it has export_citizen and erase_citizen,
    and holder names are unique within their domain (the export is keyed by domain, then holder)."""
    for domain in domains.DOMAINS:
        short = [module.rsplit(".", 1)[-1] for module in domain.holders]
        assert len(short) == len(set(short)), domain.name
        for module in domain.holders:
            loaded = importlib.import_module(module)
            assert callable(loaded.export_citizen) and callable(loaded.erase_citizen), module


def test_the_registry_imports_only_the_standard_library():
    """GIVEN civic/domains.py WHEN its imports are read THEN only stdlib modules (the intake's cold start)."""
    tree = ast.parse((LAYER / "domains.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"dataclasses"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", sorted((LAYER / "tables").glob("*.py")), ids=lambda p: p.name)
def test_a_table_module_imports_no_domain(path):
    """GIVEN a module of civic/tables WHEN its imports are read THEN it imports no domain package (dependencies
    point down: domains use tables, never the reverse)."""
    packages = {d.name for d in domains.DOMAINS} | {"agency"}
    for name in _imports(path):
        parts = name.split(".")
        assert not (parts[0] == "civic" and len(parts) > 1 and parts[1] in packages), f"{path.name} imports {name}"
