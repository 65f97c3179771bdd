"""A numbered table shows as a table, not as the Python data it is stored as."""

from textbooks.blocks import LeafStreamBlock


def test_numbered_table_renders_its_cells():
    stream = LeafStreamBlock().to_python(
        [
            {
                "type": "table",
                "value": {
                    "number": "表 3-1",
                    "caption": "普通螺纹切削深度参考值",
                    "table": {
                        "data": [["螺距/mm", "牙深/mm"], ["1.5", "0.974"]],
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                    },
                },
            }
        ]
    )
    html = str(stream[0].render())
    assert "<table>" in html and "<th" in html and "0.974" in html
    assert "first_row_is_table_header" not in html
