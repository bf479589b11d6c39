"""Shared fixtures: one synthetic report context, its HTML and one rendered PDF per session."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from reports.assemble import build_context
from reports.context import Quote
from reports.html import render_html
from reports.pdf import render_pdf
from reports.sample import sample_context, sample_inputs

HOSTILE_THEME = "<script>alert(1)</script>"
HOSTILE_COMMUNITY = "晨跑俱乐部 & <b>上海</b>"
HOSTILE_QUOTE = '兑换页面 <img src=x onerror="alert(2)"> 一直缺货'


@pytest.fixture(scope="session")
def sample_ctx():
    """The synthetic community's report, following up its previous report."""
    return sample_context(history_days=300)


@pytest.fixture(scope="session")
def hostile_ctx():
    """A report whose user-provided strings (community, a theme, a quote) are markup."""
    kwargs = sample_inputs(history_days=240, n_themes=5, wordclouds=True)
    first = kwargs["themes"][0]
    kwargs["themes"][0] = replace(
        first, name=HOSTILE_THEME,
        quotes=[Quote(HOSTILE_QUOTE, "意见箱"), *first.quotes[1:]])
    kwargs["community_name"] = HOSTILE_COMMUNITY
    return build_context(**kwargs)


@pytest.fixture(scope="session")
def hostile_html(hostile_ctx):
    """The hostile report as HTML."""
    return render_html(hostile_ctx)


@pytest.fixture(scope="session")
def sample_html(sample_ctx):
    """The synthetic report as HTML."""
    return render_html(sample_ctx)


@pytest.fixture(scope="session")
def hostile_pdf(hostile_html):
    """The hostile report rendered once to PDF (through the sandboxed helper)."""
    return render_pdf(hostile_html)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="session")
def pdf_file(hostile_pdf, tmp_path_factory):
    """The rendered PDF on disk."""
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(hostile_pdf.pdf)
    return path


@pytest.fixture(scope="session")
def pdf_pages_text(pdf_file):
    """The text of every page of the PDF, as pdftotext extracts it."""
    out = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf_file), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out.split("\f")


@pytest.fixture(scope="session")
def pdf_text(pdf_pages_text):
    """The whole PDF's text."""
    return "\n".join(pdf_pages_text)


@pytest.fixture(scope="session")
def poppler():
    """Run a poppler tool and return its standard output."""
    def run(tool: str, *args: str) -> str:
        return subprocess.run([_poppler(tool), *args], capture_output=True, text=True,
                              check=True).stdout
    return run
