"""The domain is plain Python: no database, web or template library may be imported there."""
import ast
from pathlib import Path

import auction.domain

FORBIDDEN = {"sqlalchemy", "starlette", "jinja2", "uvicorn", "asyncpg", "aiosqlite", "alembic",
             "httpx", "websockets", "asyncio", "auction.models", "auction.services", "auction.web",
             "auction.db"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_domain_imports_no_io_library():
    domain_dir = Path(auction.domain.__file__).parent
    files = sorted(domain_dir.rglob("*.py"))
    assert files, "the domain package has no modules"
    offenders = {
        f"{path.name}: {name}"
        for path in files for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not offenders, f"I/O or framework imports in auction/domain: {sorted(offenders)}"


def test_purity_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom sqlalchemy.orm import Session\n")
    assert "sqlalchemy.orm" in imported_modules(sample)
