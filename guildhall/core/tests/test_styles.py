"""One stylesheet, linked once in the head: no inline styles, no stylesheets inside page bodies."""

import re
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "guildhall" / "templates"
STATIC = ROOT / "guildhall" / "static"

HEAD = re.compile(r"<head\b.*?</head>", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLESHEET = re.compile(r"<link\b[^>]*\bstylesheet\b[^>]*>|<style\b", re.IGNORECASE)


def style_problems(text: str) -> list[str]:
    """Return what breaks the rule in a template: inline styles, or styles outside <head>."""
    problems = [f"line {_line(text, m.start())}: style attribute"
                for m in STYLE_ATTRIBUTE.finditer(text)]
    # Blank the head out rather than cut it, so the line numbers stay right.
    body = HEAD.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    problems += [f"line {_line(body, m.start())}: stylesheet outside <head>"
                 for m in STYLESHEET.finditer(body)]
    return problems


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_the_check_catches_inline_styles_and_stylesheets_in_the_body():
    assert style_problems('<p style="color:red">x</p>') == ["line 1: style attribute"]
    assert style_problems("<div>\n<p STYLE = 'x'>") == ["line 2: style attribute"]
    assert style_problems('{% block content %}\n<link rel="stylesheet" href="a.css">') == [
        "line 2: stylesheet outside <head>"]
    assert style_problems("<body><style>p {}</style></body>") == ["line 1: stylesheet outside <head>"]
    assert style_problems('<head><link rel="stylesheet" href="a.css"></head><body class="x">') == []
    assert style_problems('<p data-style="x" class="style">') == []


def test_no_template_has_inline_styles_or_a_stylesheet_in_the_body():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    problems = [f"{path.relative_to(ROOT)} {problem}"
                for path in templates for problem in style_problems(path.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_the_app_has_one_stylesheet():
    assert [p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.css")] == ["guildhall/guildhall.css"]


class StylesheetLinkTests(TestCase):
    def test_a_page_links_pico_and_the_app_stylesheet_once_in_its_head(self):
        html = self.client.get(reverse("accounts:login")).content.decode()
        head, body = html.split("</head>", 1)
        assert head.count('href="/static/vendor/pico/pico.min.css"') == 1
        assert head.count('href="/static/guildhall/guildhall.css"') == 1
        assert not STYLESHEET.search(body)
