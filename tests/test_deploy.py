"""The deployment files as written: what can be checked without systemd or a container
engine (the database path in a writable folder, no restart loop on a configuration error, a
cache folder for matplotlib, a build context without venvs, databases or tokens)."""

from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path, PurePosixPath

from bot.cli.operations import EXIT_CONFIG

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _unit() -> dict[str, list[str]]:
    """`Section.Key` → every value of a systemd unit (keys may repeat, unlike an INI file)."""
    found: dict[str, list[str]] = {}
    section = ""
    for raw in (DEPLOY / "siaga.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return found


def _environment(values: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for value in values:
        for item in shlex.split(value):
            name, _, setting = item.partition("=")
            env[name] = setting
    return env


def _under(path: str, folders: list[str]) -> bool:
    return any(PurePosixPath(path).is_relative_to(folder) for folder in folders)


def test_the_unit_keeps_its_database_and_caches_in_folders_it_may_write() -> None:
    unit = _unit()
    env = _environment(unit.get("Service.Environment", []))
    state = [f"/var/lib/{d}" for d in unit.get("Service.StateDirectory", [])]
    cache = [f"/var/cache/{d}" for d in unit.get("Service.CacheDirectory", [])]
    writable = state + cache + " ".join(unit.get("Service.ReadWritePaths", [])).split()
    assert unit["Service.ProtectSystem"] == ["strict"]
    # The database: an absolute path in a writable folder, and a relative one (as in
    # .env.example) resolves in the working directory, which must be writable too.
    assert _under(env["SIAGA_DB_PATH"], writable), env["SIAGA_DB_PATH"]
    (workdir,) = unit["Service.WorkingDirectory"]
    assert _under(workdir, writable)
    assert re.search(r"^# SIAGA_DB_PATH=siaga\.db$", _env_example(), re.M)
    # ProtectHome hides the home folder matplotlib would cache in.
    assert unit["Service.ProtectHome"] == ["true"]
    assert _under(env["MPLCONFIGDIR"], writable)
    assert unit["Service.User"] == ["siaga"]
    assert unit["Service.UMask"] == ["0077"]


def test_the_unit_does_not_restart_forever_on_a_configuration_error() -> None:
    unit = _unit()
    assert str(EXIT_CONFIG) in unit["Service.RestartPreventExitStatus"][0].split()
    assert unit["Service.Restart"] == ["on-failure"]
    (start,) = unit["Service.ExecStart"]
    assert start.split()[-2:] == ["siaga", "run"] or start.endswith("/siaga run")
    assert unit["Unit.After"] == ["network-online.target"]


def _containerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined."""
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n\s*", " ", text)
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            steps.append((instruction.upper(), rest.strip()))
    return steps


def _env_example() -> str:
    return (ROOT / ".env.example").read_text(encoding="utf-8")


def test_the_container_installs_a_wheel_and_keeps_its_data_in_the_volume() -> None:
    steps = _containerfile()
    runs = " ".join(args for step, args in steps if step == "RUN")
    assert "pip install" in runs
    assert "-e " not in runs
    assert "--editable" not in runs
    (workdir,) = [args for step, args in steps if step == "WORKDIR"]
    (volume,) = [args for step, args in steps if step == "VOLUME"]
    assert volume.strip('[]"') == workdir
    users = [args for step, args in steps if step == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    env = " ".join(args for step, args in steps if step == "ENV")
    # Not set in the image: an --env-file from .env.example would override it anyway; the
    # working directory is what puts the default (relative) path into the volume.
    assert "SIAGA_DB_PATH" not in env
    mpl = re.search(r"MPLCONFIGDIR=(\S+)", env)
    assert mpl is not None
    assert mpl.group(1) in runs, "the matplotlib folder is created"
    assert [args for step, args in steps if step == "CMD"] == ['["siaga", "run"]']


def test_the_build_context_leaves_out_venvs_databases_and_secrets() -> None:
    ignore = ROOT / ".containerignore"
    patterns = [
        line.strip()
        for line in ignore.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Docker reads .dockerignore: the same file.
    assert (ROOT / ".dockerignore").resolve() == ignore.resolve()

    def ignored(path: str) -> bool:
        return any(
            fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path.split("/")[0], p) for p in patterns
        )

    for path in (".venv", ".env", "siaga.db", "siaga.db-wal", "data/siaga.db", ".git"):
        assert ignored(path) or ignored(path.rsplit("/", 1)[-1]), path
    for step, args in _containerfile():
        if step == "COPY" and not args.startswith("--from"):
            *sources, _target = args.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                assert not ignored(source), f"{source} is copied but ignored"
