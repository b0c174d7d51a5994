"""Every cell OSR writes to a CSV is inert in a spreadsheet, and reads back as written."""

import io

import pytest

from osr.core.spreadsheet import InertWriter, inert, restored

RUNNABLE = ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://e","c")']


@pytest.mark.parametrize("text", RUNNABLE)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote_in_front(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("text", ["", "plain", "a=b", " =1", "'quoted", "2025-06-01", None, 3])
def test_any_other_cell_is_written_as_it_is(text):
    assert inert(text) == ("" if text is None else str(text))


@pytest.mark.parametrize(
    "text", [*RUNNABLE, "plain", "'quoted", "'=1", "''=1", "'", "'-", "it's", "'\t"]
)
def test_reading_a_cell_gives_back_exactly_the_text_written(text):
    assert restored(inert(text)) == text


def test_a_quote_is_taken_off_only_before_what_a_spreadsheet_would_run():
    assert restored("'=1") == "=1"
    assert restored("'quoted") == "'quoted"
    assert restored("''") == "''"


def test_the_writer_makes_every_cell_inert():
    out = io.StringIO()
    InertWriter(out, lineterminator="\n").writerow(["=1", "ok", "-x", 4])
    assert out.getvalue() == "'=1,ok,'-x,4\n"
