"""Project-level checks: deployment settings, translations, the `guildhall` command."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "guildhall" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def run_guildhall(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "guildhall.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_debug_off_and_a_real_secret_key():
    result = run_guildhall("check", "--deploy", "--fail-level", "WARNING",
                           SECRET_KEY="x7!Qm2#vL9$pR4@tZ8^wN1&kB6*yH3(dF5)sJ0+cG-aE=uT_Yq4", DEBUG="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


GETTEXT_CALL = re.compile(r"\b(_|gettext|ngettext|pgettext|gettext_lazy|ngettext_lazy|pgettext_lazy)\(")


#: A label's translation, or a value, followed by an ASCII colon: in Chinese the colon is
#: "：", so templates write `{% colon %}` (outside a `blocktranslate`, whose own text is
#: translated whole).
ASCII_COLON = re.compile(r"(%\}|%\}</strong>|%\}</b>|\}\})[ ]?:( |\n)")
BLOCK = re.compile(r"\{% blocktranslate.*?\{% endblocktranslate %\}", re.S)


def test_no_template_joins_a_label_and_its_value_with_an_ascii_colon():
    found = []
    for path in sorted((ROOT / "guildhall").rglob("templates/**/*.html")):
        text = BLOCK.sub("", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in ASCII_COLON.finditer(text)]
    assert not found, "write {% colon %} instead:\n" + "\n".join(found)


def test_no_message_is_marked_inside_an_f_string():
    """`makemessages` (xgettext) does not read inside an f-string's braces: a message marked
    there never reaches the catalogue and shows in English. Mark it outside, then format."""
    import io
    import tokenize

    found = []
    for path in sorted((ROOT / "guildhall").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            prefix = re.match(r"[A-Za-z]*", tok.string).group(0).lower()
            if tok.type == tokenize.STRING and "f" in prefix and GETTEXT_CALL.search(tok.string):
                found.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: {tok.string[:80]}")
    assert not found, "messages marked inside f-strings:\n" + "\n".join(found)


def test_every_message_is_translated_into_chinese():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'msgstr(\[0\])? ""\s*$', e.strip()) or "#, fuzzy" in e]
    assert not untranslated, "untranslated or fuzzy:\n" + "\n\n".join(untranslated[:10])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"


def test_every_template_string_is_in_the_catalogue():
    msgids = set(re.findall(r'^msgid "(.+)"$', PO.read_text(encoding="utf-8"), re.M))
    missing = []
    for template in (ROOT / "guildhall" / "templates").rglob("*.html"):
        for text in re.findall(r'{% translate "([^"]+)" %}', template.read_text(encoding="utf-8")):
            if text not in msgids and len(text) < 70:
                missing.append(f"{template.name}: {text}")
    assert not missing, "run `make messages`:\n" + "\n".join(missing)


def test_the_guildhall_command_runs_django_commands():
    result = run_guildhall("help")
    assert result.returncode == 0
    for command in ("seed_demo", "verify_audit", "export_audit", "create_token", "tick", "run_huey"):
        assert command in result.stdout


def test_every_page_names_the_apps_own_icon(client, db):
    from django.contrib.staticfiles import finders

    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "guildhall/favicon.svg" in page
    assert finders.find("guildhall/favicon.svg")
