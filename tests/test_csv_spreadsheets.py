"""CSV files as spreadsheets and editors really save them: a byte-order mark, CRLF line ends, a
trailing empty line, semicolons and decimal commas, a label column named in another case."""

import numpy as np
import pytest

from neuronet.datasets import load_csv
from neuronet.errors import ConfigError, DataError

BOM = "\ufeff"


def write(tmp_path, text: str, name="d.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", BOM])
def test_label_header_found_with_bom_crlf_and_trailing_empty_line(tmp_path, bom, end):
    # "label" is the first column: the last one (f2) must not silently become the label.
    text = end.join([bom + "label,f1,f2", "cat,1,2", "dog,3,4", "cat,5,6", "", ""])
    x, y, names = load_csv(write(tmp_path, text))
    assert names == ("cat", "dog")
    np.testing.assert_array_equal(y, [0, 1, 0])
    np.testing.assert_array_equal(x, [[1, 2], [3, 4], [5, 6]])
    assert load_csv(write(tmp_path, text), label_column="label").x.shape == (3, 2)


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_bom_without_header_is_not_part_of_the_first_number(tmp_path, end):
    x, y, names = load_csv(write(tmp_path, BOM + end.join(["1.5,2,cat", "3,4,dog", ""])))
    np.testing.assert_array_equal(x, [[1.5, 2], [3, 4]])      # both rows are data
    assert names == ("cat", "dog")


def test_label_column_named_in_another_case_or_with_spaces(tmp_path):
    p = write(tmp_path, " Species ,a,b\nx,1,2\ny,3,4\n")
    for name in ("Species", "species", " SPECIES"):
        x, _, names = load_csv(p, label_column=name)
        np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
        assert names == ("x", "y")
    x, _, names = load_csv(write(tmp_path, "a,LABEL ,b\n1,u,2\n3,v,4\n"))   # default: "label" any case
    np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    assert names == ("u", "v")


def test_header_without_a_label_column_uses_the_last_column(tmp_path):
    x, _, names = load_csv(write(tmp_path, "a,b,species\n1,2,setosa\n3,4,virginica\n"))
    np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    assert names == ("setosa", "virginica")


@pytest.mark.parametrize("text, options, message", [
    ("label,Label,b\nx,1,2\n", {}, "several columns are named label (label, Label); pass label_column="),
    ("Kind,KIND,b\nx,1,2\n", {"label_column": "kind"},
     "label_column='kind' matches 2 columns (Kind, KIND); pass its index instead"),
    ("y,y,b\nx,1,2\n", {"label_column": "y"}, "label_column='y' matches 2 columns (y, y)"),
    ("lable,a,b\nx,1,2\n", {"label_column": "label"}, "no column named 'label'"),
])
def test_a_label_name_never_picks_another_column(tmp_path, text, options, message):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        load_csv(p, **options)
    assert str(p) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text", [
    "label;f1;f2\ncat;1,5;2\ndog;3;4,25\n",           # header, decimal commas
    "1,5;2;cat\r\n3;4,25;dog\r\n",                    # no header: "1,5" is a number, not a name
    BOM + "sep=;\r\nf1;f2;label\r\n1,5;2;cat\r\n3;4,25;dog\r\n",   # Excel's sep= line
])
def test_semicolon_files_from_european_spreadsheets_are_read(tmp_path, text):
    x, y, names = load_csv(write(tmp_path, text))
    np.testing.assert_allclose(x, [[1.5, 2], [3, 4.25]])
    assert names == ("cat", "dog")
    np.testing.assert_array_equal(y, [0, 1])


def test_explicit_delimiter_is_kept(tmp_path):
    p = write(tmp_path, "f1;f2,label\n1;2,a\n3;4,b\n")
    with pytest.raises(DataError, match=r"line 2, column 'f1;f2': '1;2' is not a number"):
        load_csv(p, delimiter=",")
    x, _, _ = load_csv(write(tmp_path, "a,b,c\n1,5,x\n"), delimiter=",")   # commas stay separators
    np.testing.assert_array_equal(x, [[1, 5]])
    with pytest.raises(ConfigError, match=r"declares sep=; but delimiter=','"):
        load_csv(write(tmp_path, "sep=;\na;b;c\n"), delimiter=",")


@pytest.mark.parametrize("raw, message", [
    ("a,b,c\n1,2,caf\u00e9\n".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 at offset 13.*CSV UTF-8"),
    ("a\tb\n1\t2\n".encode("utf-16"), "UTF-16 text.*save it as 'CSV UTF-8'"),
])
def test_other_encodings_are_one_line(tmp_path, raw, message):
    p = tmp_path / "d.csv"
    p.write_bytes(raw)
    with pytest.raises(DataError, match=message) as err:
        load_csv(p)
    assert str(p) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("options, message", [
    ({"header": "no"}, "load_csv: header must be True, False or 'auto', got 'no'"),
    ({"header": 1}, "load_csv: header must be True, False or 'auto', got 1"),
    ({"label_column": 1.5}, "load_csv: label_column must be an integer, got 1.5"),
    ({"label_column": True}, "load_csv: label_column must be an integer, got True"),
])
def test_settings_are_one_config_error(tmp_path, options, message):
    with pytest.raises(ConfigError) as err:
        load_csv(write(tmp_path, "a,b,c\n1,2,x\n"), **options)
    assert str(err.value) == message
