from cms.search.segment import Term, index_text, index_tokens, isbn13, parse_query


def test_index_tokens_hold_words_and_their_sub_words():
    tokens = index_tokens("数控机床编程与操作（活页式）")
    assert {"数控", "机床", "数控机床", "编程", "操作", "活页式"} <= set(tokens)


def test_punctuation_and_function_words_never_reach_the_index():
    assert not {"（", "）", "与", " "} & set(index_tokens("数控机床编程与操作（活页式）"))


def test_user_dictionary_keeps_domain_words_whole():
    assert "大数据" in index_tokens("大数据与会计")
    assert "电池管理系统" in index_tokens("电池管理系统故障诊断")


def test_english_words_inside_chinese_are_lower_cased_tokens():
    assert index_text("Python程序设计", "外圆粗车循环G71编程", "读取BMS故障码").split()[:1] == [
        "python"
    ]
    assert {"g71", "bms"} <= set(index_text("外圆粗车循环G71编程", "读取BMS故障码").split())


def test_query_words_match_themselves_or_all_their_sub_words():
    parsed = parse_query("数控机床编程")
    assert parsed.terms == (Term("数控机床", ("数控", "机床")), Term("编程"))
    assert parsed.isbns == ()


def test_isbns_in_a_query_are_normalised_and_taken_out_of_the_words():
    parsed = parse_query("978-7-111-72345-5 数控")
    assert parsed.isbns == ("9787111723455",)
    assert parsed.terms == (Term("数控"),)
    assert parse_query("7-111-72345-X").isbns == ("9787111723455",)
    assert isbn13("978 7111 723455") == "9787111723455"


def test_an_empty_query_is_falsy():
    assert not parse_query("  （）与 ")
