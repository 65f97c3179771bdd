"""The one jieba tokenizer of this process, with the catalogue's user dictionary.

Shared by every layer that cuts Chinese into words: the catalogue index and queries
(cms.search.segment) and the word-level highlights of edition comparisons
(workflow.services.diff), so both know the same domain words (userdict.txt: 大数据,
新能源汽车, 电池管理系统 …).
"""

import logging
import threading
from pathlib import Path

import jieba

USER_DICTIONARY = Path(__file__).with_name("userdict.txt")

_tokenizer = None
_lock = threading.Lock()


def tokenizer():
    """The tokenizer, initialised on first use without log noise."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                instance.load_userdict(str(USER_DICTIONARY))
                _tokenizer = instance
    return _tokenizer
