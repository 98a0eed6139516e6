"""The user's own data: CSV tables and folders of images."""

import numpy as np
import pytest

from neuronet.datasets import LabeledData, load_csv, load_image_folder
from neuronet.errors import ConfigError, DataError


def write(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_header_auto_and_string_labels(tmp_path):
    p = write(tmp_path, "a,b,species\n1,2,setosa\n3.5,-4,virginica\n\n5,6e1,setosa\n")
    x, y, names = load_csv(p)
    assert x.dtype == np.float32 and x.shape == (3, 2)
    np.testing.assert_array_equal(x, [[1, 2], [3.5, -4], [5, 60]])
    assert names == ("setosa", "virginica") and y.dtype == np.int64
    np.testing.assert_array_equal(y, [0, 1, 0])


def test_csv_without_header_numeric_labels_ordered_by_value(tmp_path):
    p = write(tmp_path, "0.1,0.2,10\n0.3,0.4,9\n0.5,0.6,10\n0.7,0.8,2\n")
    data = load_csv(p)
    assert isinstance(data, LabeledData) and len(data) == 4
    assert data.class_names == ("2", "9", "10")
    np.testing.assert_array_equal(data.y, [2, 1, 2, 0])
    assert data.x.shape == (4, 2)


def test_csv_label_column_by_name_and_index(tmp_path):
    p = write(tmp_path, "label;f1;f2\ncat;1;2\ndog;3;4\n", "semi.csv")
    x, y, names = load_csv(p, label_column="label", delimiter=";")
    np.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    assert names == ("cat", "dog")
    x2, y2, _ = load_csv(p, label_column=0, delimiter=";")
    np.testing.assert_array_equal(x, x2)
    x3, _, _ = load_csv(p, label_column=-3, delimiter=";", header=True)
    np.testing.assert_array_equal(x, x3)


def test_csv_explicit_header_false_treats_first_row_as_data(tmp_path):
    p = write(tmp_path, "1,2,a\n3,4,b\n")
    assert load_csv(p, header=False).x.shape == (2, 2)
    assert load_csv(p, header=True).x.shape == (1, 2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("a,b,c\n1,2,x\n1,2\n", "line 3 has 2 fields, expected 3"),
        ("a,b,c\n1,2,x\n1,2,3,4\n", "line 3 has 4 fields"),
        ("a,b,c\n1,2,x\n1,oops,y\n", "line 3, column 'b': 'oops' is not a number"),
        ("1,2,x\n1,nan,y\n", "line 2, column '1': 'nan' is not finite"),
        ("1,2,x\n1,inf,y\n", "not finite"),
        ("1,2,x\n1,,y\n", "line 2, column '1': '' is not a number"),
        ("1,2,x\n1,2,\n", "line 2: empty label"),
        ("a,b,c\n", "header but no data"),
        ("1\n2\n", "at least 2 columns"),
    ],
)
def test_csv_errors_name_file_line_and_column(tmp_path, text, message):
    p = write(tmp_path, text)
    with pytest.raises(DataError, match=message) as err:
        load_csv(p)
    assert str(p) in str(err.value) and "\n" not in str(err.value)


def test_csv_bad_label_column(tmp_path):
    p = write(tmp_path, "a,b\n1,x\n")
    with pytest.raises(ConfigError, match="no column named 'z'"):
        load_csv(p, label_column="z")
    with pytest.raises(ConfigError, match="out of range"):
        load_csv(p, label_column=5)
    with pytest.raises(DataError, match="no such file"):
        load_csv(tmp_path / "missing.csv")


# --- image folders ---------------------------------------------------------------------------

Image = pytest.importorskip("PIL.Image", reason="Pillow (neuronet[images]) not installed")


def make_folder(root, spec):
    """spec: {class_name: [grey levels]} -> one 10x12 image per grey level."""
    for cls, levels in spec.items():
        (root / cls).mkdir(parents=True)
        for i, level in enumerate(levels):
            Image.new("L", (12, 10), color=level).save(root / cls / f"{i}.png")
    return root


def test_image_folder_classes_sorted_resized_scaled(tmp_path):
    root = make_folder(tmp_path / "imgs", {"zebra": [255], "apple": [0, 51]})
    (root / "apple" / "notes.txt").write_text("ignored")
    (root / "apple" / ".hidden.png").write_bytes(b"ignored too")
    x, y, names = load_image_folder(root)
    assert names == ("apple", "zebra")
    np.testing.assert_array_equal(y, [0, 0, 1])
    assert x.dtype == np.float32 and x.shape == (3, 784)
    np.testing.assert_allclose(x.reshape(3, -1).mean(axis=1), [0.0, 0.2, 1.0], atol=1e-6)
    x, _, _ = load_image_folder(root, size=(5, 7), flatten=False)
    assert x.shape == (3, 5, 7)
    x, _, _ = load_image_folder(root, size=(4, 4), grayscale=False, flatten=False)
    assert x.shape == (3, 4, 4, 3)


def test_image_folder_unreadable_image_names_the_file(tmp_path):
    root = make_folder(tmp_path / "imgs", {"a": [10], "b": [20]})   # two classes, as a folder needs
    bad = root / "a" / "broken.png"
    bad.write_bytes(b"\x89PNG not really")
    with pytest.raises(DataError, match="broken.png"):
        load_image_folder(root)


def test_image_folder_structure_errors(tmp_path):
    (tmp_path / "flat").mkdir()
    with pytest.raises(DataError, match="no class sub-folders"):
        load_image_folder(tmp_path / "flat")
    (tmp_path / "flat" / "empty_class").mkdir()
    with pytest.raises(DataError, match="has no images"):
        load_image_folder(tmp_path / "flat")
    with pytest.raises(DataError, match="not a folder"):
        load_image_folder(tmp_path / "nope")


def test_image_folder_without_pillow(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ConfigError, match=r"pip install neuronet\[images\]"):
        load_image_folder(tmp_path)


def test_csv_bad_delimiter_is_config_error(tmp_path):
    p = write(tmp_path, "1,2,a\n")
    with pytest.raises(ConfigError, match="delimiter must be one character, got ';;'"):
        load_csv(p, delimiter=";;")


@pytest.mark.parametrize("size", [(0, 5), 28, (1, 2, 3), ("a", 4), (2.5, 4)])
def test_bad_image_size_is_config_error(tmp_path, size):
    from neuronet.datasets import load_image

    root = make_folder(tmp_path / "imgs", {"a": [10]})
    with pytest.raises(ConfigError, match="load_image_folder: size must be"):
        load_image_folder(root, size=size)
    with pytest.raises(ConfigError, match="load_image: size must be"):
        load_image(root / "a" / "0.png", size=size)


def test_load_image_matches_one_row_of_the_folder(tmp_path):
    from neuronet.datasets import load_image

    root = make_folder(tmp_path / "imgs", {"a": [0, 51], "b": [200]})
    x, _, _ = load_image_folder(root, size=(6, 9))
    one = load_image(root / "a" / "1.png", size=(6, 9))
    assert one.shape == (54,) and one.dtype == np.float32
    np.testing.assert_array_equal(one, x[1])
    with pytest.raises(DataError, match="no such image file"):
        load_image(root / "missing.png")


def test_read_csv_is_load_csv_for_bytes_in_memory(tmp_path):
    from neuronet.datasets import read_csv

    text = "sep=;\nx;y;label\n1,5;2;b\n3;4,25;a\n"
    p = write(tmp_path, text)
    a, b = load_csv(p), read_csv(text.encode(), "upload.csv")
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.class_names == b.class_names == ("a", "b")
    # The same checks, naming the source given where load_csv names the file.
    with pytest.raises(DataError, match=r"^upload\.csv: line 3, column 'y': 'z' is not a number$"):
        read_csv(b"x,y,label\n1,2,a\n3,z,b\n", "upload.csv")
    with pytest.raises(DataError, match="upload.csv: the file is UTF-16"):
        read_csv("x,y\n1,a\n".encode("utf-16"), "upload.csv")
    with pytest.raises(DataError, match="upload.csv: not UTF-8"):
        read_csv(b"x,y,label\n1,2,\xe9\n", "upload.csv")
    with pytest.raises(ConfigError, match="read_csv: data must be the file's bytes"):
        read_csv("x,y\n1,a\n")
    with pytest.raises(ConfigError, match="read_csv: delimiter must be one character"):
        read_csv(b"x,y\n1,a\n", delimiter=";;")
    with pytest.raises(ConfigError, match="load_csv: delimiter must be one character"):
        load_csv(p, delimiter=";;")
