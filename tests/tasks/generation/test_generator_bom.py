"""A text file written with a byte-order mark: the mark is not a character of the vocabulary."""
from seqlab.tasks.generation.generator import read_text


def test_generation_text_drops_a_byte_order_mark(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("\ufeffanna\r\nbob\r\n".encode())
    assert read_text(path) == "anna\r\nbob\r\n"
