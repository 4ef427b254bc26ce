"""socialkpi is Apache-2.0: no package it needs at run time may be GPL, AGPL or LGPL only.

The closure walked is that of the INSTALLED socialkpi distribution: its Requires-Dist without
extras (so the dev tools are out), recursively, each requirement kept when its environment
markers hold here (with the extras its parent asked for, e.g. dlt[duckdb] -> duckdb).
`make install` rebuilds the venv whenever pyproject.toml changes, so the installed metadata is
what pyproject.toml declares.

How a package's licence is decided, most precise declaration first:
1. License-Expression (SPDX, PEP 639) when present: an OR needs one acceptable branch, an AND
   needs all its parts acceptable ("MPL-2.0 AND (Apache-2.0 OR MIT)" passes; "GPL-2.0-or-later OR
   MIT" passes, the MIT option being ours to take; "MIT AND GPL-3.0-only" does not).
2. Otherwise the License field, when it is a name or an expression rather than a pasted licence
   text, and the "License ::" classifiers. That older metadata cannot tell AND from OR; several
   licences named there are read as a choice (dual licensing, e.g. python-dateutil's BSD and
   Apache), so the package passes when one of them is permissive.
A package passes with a permissive option (MIT, BSD, Apache, ISC, PSF, Zlib, CC0, Unlicense,
AFL, and MPL-2.0, whose copyleft stops at its own files and which is Apache-2.0-compatible); it is
copyleft when every licence it names is of the GPL family; anything else is unknown. A copyleft
package always fails: no review lets a GPL-, AGPL- or LGPL-only package into the runtime (psycopg,
LGPL-3.0-only, was replaced by pg8000 for that; it stays a dev dependency, a BI client in the
tests). An unknown one fails unless REVIEWED below lists it with the reason a person accepted it,
and an entry holds only while the package still declares exactly the licence that was reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "socialkpi"
OK, UNKNOWN, COPYLEFT = "ok", "unknown", "copyleft"

# Package -> (its licence declaration as `declaration()` reads it, why it is accepted).
REVIEWED = {
    "text-unidecode": (
        "Artistic License | Artistic License; GNU General Public License (GPL); "
        "GNU General Public License v2 or later (GPLv2+)",
        "dual licensed, GPL or the Artistic License (its LICENSE.txt: 'under the terms of "
        "either'); we take the Artistic License, which is not copyleft and binds only modified "
        "copies of text-unidecode itself. It comes with dbt (dbt-core -> agate -> python-slugify).",
    ),
}

_GPL_FAMILY = re.compile(r"\b[al]?gpl|gnu (affero |lesser |library )?general public", re.I)
_PERMISSIVE = re.compile(
    r"\bmit\b|\b0?bsd\b|apache|\bisc\b|python software foundation|\bpsf\b|mozilla public license "
    r"2\.0|\bmpl[- ]?2\.0\b|\bzlib\b|\bcc0\b|unlicense|\bafl\b|academic free",
    re.I,
)


def verdict_of_name(name: str) -> str:
    if _GPL_FAMILY.search(name):
        return COPYLEFT
    return OK if _PERMISSIVE.search(name) else UNKNOWN


# ---------------------------------------------------------------------------- SPDX expressions


def verdict_of_expression(expression: str) -> str:
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    verdict, rest = _any_of(tokens)
    assert not rest, f"cannot read the licence expression {expression!r}"
    return verdict


def _any_of(tokens: list[str]) -> tuple[str, list[str]]:
    """OR: the best branch counts (the licensee chooses)."""
    verdicts, rest = _all_of(tokens)
    verdicts = [verdicts]
    while rest[:1] == ["OR"]:
        verdict, rest = _all_of(rest[1:])
        verdicts.append(verdict)
    return min(verdicts, key=[OK, UNKNOWN, COPYLEFT].index), rest


def _all_of(tokens: list[str]) -> tuple[str, list[str]]:
    """AND: the worst part counts (every part applies)."""
    verdict, rest = _one(tokens)
    verdicts = [verdict]
    while rest[:1] == ["AND"]:
        verdict, rest = _one(rest[1:])
        verdicts.append(verdict)
    return max(verdicts, key=[OK, UNKNOWN, COPYLEFT].index), rest


def _one(tokens: list[str]) -> tuple[str, list[str]]:
    if tokens[0] == "(":
        verdict, rest = _any_of(tokens[1:])
        assert rest[:1] == [")"], "unbalanced parenthesis in a licence expression"
        return verdict, rest[1:]
    rest = tokens[1:]
    if rest[:1] == ["WITH"]:  # judged by the licence alone: weighing an exception is a reviewer's job
        rest = rest[2:]
    return verdict_of_name(tokens[0]), rest


# ---------------------------------------------------------------------------- one package


def declaration(meta: Message) -> str:
    """The licence as the package declares it, on one line (what REVIEWED entries record)."""
    if meta.get("License-Expression"):
        return meta["License-Expression"].strip()
    return f"{_license_name(meta) or ''} | {'; '.join(_classified_licences(meta))}"


def _classified_licences(meta: Message) -> list[str]:
    """The licences the classifiers name: "License :: OSI Approved :: MIT License" gives
    "MIT License"; a bare "License :: OSI Approved" names none."""
    classifiers = meta.get_all("Classifier") or []
    names = [c.split(" :: ")[-1] for c in classifiers if c.startswith("License ::")]
    return [name for name in names if name != "OSI Approved"]


def _license_name(meta: Message) -> str | None:
    """The License field, unless it holds a pasted licence text (whose history paragraphs may
    mention the GPL) rather than a name."""
    field = (meta.get("License") or "").strip()
    return field if field and "\n" not in field and len(field) <= 100 else None


def verdict(meta: Message) -> str:
    if meta.get("License-Expression"):
        return verdict_of_expression(meta["License-Expression"])
    name = _license_name(meta)
    verdicts = [verdict_of_name(option) for option in _classified_licences(meta)]
    if name:
        verdicts.append(
            verdict_of_expression(name) if re.search(r" (OR|AND) ", name) else verdict_of_name(name)
        )
    if OK in verdicts:
        return OK
    return COPYLEFT if verdicts and set(verdicts) == {COPYLEFT} else UNKNOWN


# ---------------------------------------------------------------------------- the closure


@dataclass
class Needed:
    dist: metadata.Distribution
    extras: frozenset[str]
    required_by: str


def runtime_closure(root: str = PROJECT) -> dict[str, Needed]:
    """Every distribution the installed `root` needs at run time, by normalised name."""
    found: dict[str, Needed] = {}
    todo = [(root, frozenset(), "")]
    while todo:
        name, extras, parent = todo.pop()
        key = canonicalize_name(name)
        known = found.get(key)
        if known is not None and extras <= known.extras:
            continue
        dist = metadata.distribution(name)  # raises PackageNotFoundError: required, not installed
        extras |= known.extras if known else frozenset()
        found[key] = Needed(dist, extras, known.required_by if known else parent)
        todo += [(req.name, frozenset(req.extras), key) for req in _applicable(dist, extras)]
    return found


def _applicable(dist: metadata.Distribution, extras: frozenset[str]) -> list[Requirement]:
    environments = [{"extra": ""}] + [{"extra": extra} for extra in sorted(extras)]
    requirements = [Requirement(line) for line in dist.requires or []]
    return [
        req
        for req in requirements
        if req.marker is None or any(req.marker.evaluate(env) for env in environments)
    ]


# ---------------------------------------------------------------------------- the check


def refusals(closure: dict[str, Needed]) -> list[str]:
    """The packages of the closure socialkpi may not need at run time, each with why and who
    requires it: copyleft ones always, unknown ones unless reviewed as they declare themselves."""
    refused = []
    for key, needed in sorted(closure.items()):
        meta = needed.dist.metadata
        found = verdict(meta)
        if found == OK or (found == UNKNOWN and REVIEWED.get(key, (None,))[0] == declaration(meta)):
            continue
        refused.append(
            f"{meta['Name']} {needed.dist.version} ({found}: {declaration(meta)}), "
            f"required by {needed.required_by}"
        )
    return refused


# ---------------------------------------------------------------------------- tests


def test_every_runtime_dependency_of_socialkpi_has_a_licence_compatible_with_apache_2():
    refused = refusals(runtime_closure())
    assert not refused, (
        "runtime dependencies whose licence is GPL-family only or unknown (replace them; an "
        "unknown licence may be reviewed and added to REVIEWED with the reason):\n  " + "\n  ".join(refused)
    )


def test_no_runtime_dependency_is_gpl_agpl_or_lgpl_only_whatever_was_reviewed():
    copyleft = [
        f"{needed.dist.metadata['Name']} ({declaration(needed.dist.metadata)})"
        for needed in runtime_closure().values()
        if verdict(needed.dist.metadata) == COPYLEFT
    ]
    assert copyleft == []


def test_an_lgpl_only_package_such_as_psycopg_is_refused_even_when_listed_as_reviewed(monkeypatch):
    """psycopg 3 (LGPL-3.0-only) is installed here as the tests' BI client: the check, given it as
    a runtime dependency, refuses it, and a REVIEWED entry does not let it through."""
    psycopg = metadata.distribution("psycopg")
    assert declaration(psycopg.metadata) == "LGPL-3.0-only"
    closure = {"psycopg": Needed(psycopg, frozenset({"binary"}), PROJECT)}
    assert refusals(closure) == [
        f"psycopg {psycopg.version} (copyleft: LGPL-3.0-only), required by {PROJECT}"
    ]
    monkeypatch.setitem(REVIEWED, "psycopg", ("LGPL-3.0-only", "a reason a reviewer once wrote down"))
    assert len(refusals(closure)) == 1


def test_the_closure_follows_requirements_and_requested_extras_but_not_socialkpis_own_extras():
    closure = runtime_closure()
    direct = {canonicalize_name(r.name) for r in _applicable(metadata.distribution(PROJECT), frozenset())}
    assert direct and direct <= set(closure)
    # pg8000 -> scramp -> asn1crypto: requirements of requirements.
    assert closure["asn1crypto"].required_by == "scramp" and closure["scramp"].required_by == "pg8000"
    # dagster-webserver asks for uvicorn[standard]: uvloop is required only through that extra.
    assert "uvloop" in closure and closure["uvloop"].required_by == "uvicorn"
    # The dev extra's tools are installed here, yet are not what a user runs; psycopg among them.
    declared = {canonicalize_name(Requirement(r).name) for r in metadata.requires(PROJECT) or []}
    dev_tools = {"pytest", "ruff", "playwright", "psycopg"}
    assert dev_tools <= declared - direct and dev_tools.isdisjoint(closure)
    assert "psycopg-binary" not in closure


def test_a_licence_expression_passes_only_when_some_choice_avoids_the_gpl_family():
    assert verdict_of_expression("MPL-2.0 AND (Apache-2.0 OR MIT)") == OK  # orjson
    assert verdict_of_expression("GPL-2.0-or-later OR MIT") == OK
    assert verdict_of_expression("MIT AND GPL-3.0-only") == COPYLEFT
    assert verdict_of_expression("LGPL-3.0-only") == COPYLEFT  # psycopg 3
    assert verdict_of_expression("LGPL-2.1-or-later") == COPYLEFT
    assert verdict_of_expression("AGPL-3.0-only") == COPYLEFT
    assert verdict_of_expression("GPL-2.0-only WITH Classpath-exception-2.0") == COPYLEFT
    assert verdict_of_expression("AGPL-3.0-or-later OR LicenseRef-Proprietary") == UNKNOWN
    assert verdict_of_expression("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0") == OK  # numpy


def test_older_metadata_passes_with_one_permissive_option_and_fails_when_it_names_only_gpl():
    def meta(license_field: str | None, *classifiers: str) -> Message:
        message = Message()
        if license_field is not None:
            message["License"] = license_field
        for classifier in classifiers:
            message["Classifier"] = classifier
        return message

    # As fuzzywuzzy 0.18.0 and Unidecode 1.4.0 (what vaderSentiment-fr required) declare it.
    assert (
        verdict(meta("GPLv2", "License :: OSI Approved :: GNU General Public License v2 (GPLv2)")) == COPYLEFT
    )
    gpl2_plus = "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)"
    assert verdict(meta("GPL", gpl2_plus)) == COPYLEFT
    # python-dateutil: "Dual License", with both its options as classifiers.
    dual = ("License :: OSI Approved :: BSD License", "License :: OSI Approved :: Apache Software License")
    assert verdict(meta("Dual License", *dual)) == OK
    assert verdict(meta("MIT OR AFL-2.1")) == OK  # simplejson
    # A pasted licence text is not read as a name: its history may cite the GPL.
    psf_text = "PSF LICENSE AGREEMENT\n... GPL-compatible ...\n"
    assert verdict(meta(psf_text, "License :: OSI Approved :: Python Software Foundation License")) == OK
    assert verdict(meta(psf_text)) == UNKNOWN
    assert verdict(meta(None, "License :: Other/Proprietary License")) == UNKNOWN


def test_every_reviewed_exception_is_still_needed_and_declares_the_licence_that_was_reviewed():
    closure = runtime_closure()
    for key, (reviewed, reason) in REVIEWED.items():
        assert key in closure, f"{key} is no longer a runtime dependency: drop it from REVIEWED"
        meta = closure[key].dist.metadata
        assert verdict(meta) == UNKNOWN, f"{key} is {verdict(meta)}: a review holds only an unknown licence"
        assert declaration(meta) == reviewed, f"{key} now declares {declaration(meta)!r}: review it"
        assert len(reason) > 40
