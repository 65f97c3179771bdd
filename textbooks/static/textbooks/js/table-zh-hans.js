// Wagtail's table editor asks Handsontable for the admin's language ("zh-hans"), which its
// bundle does not carry: register it, so the editor neither warns nor falls back to English.
(function () {
  if (typeof Handsontable === "undefined" || !Handsontable.languages) return;
  var k = Handsontable.languages.dictionaryKeys;
  var dictionary = { languageCode: "zh-hans" };
  dictionary[k.CONTEXTMENU_ITEMS_ROW_ABOVE] = "在上方插入行";
  dictionary[k.CONTEXTMENU_ITEMS_ROW_BELOW] = "在下方插入行";
  dictionary[k.CONTEXTMENU_ITEMS_INSERT_LEFT] = "在左侧插入列";
  dictionary[k.CONTEXTMENU_ITEMS_INSERT_RIGHT] = "在右侧插入列";
  dictionary[k.CONTEXTMENU_ITEMS_REMOVE_ROW] = ["删除行", "删除行"];
  dictionary[k.CONTEXTMENU_ITEMS_REMOVE_COLUMN] = ["删除列", "删除列"];
  dictionary[k.CONTEXTMENU_ITEMS_UNDO] = "撤销";
  dictionary[k.CONTEXTMENU_ITEMS_REDO] = "重做";
  dictionary[k.CONTEXTMENU_ITEMS_READ_ONLY] = "只读";
  dictionary[k.CONTEXTMENU_ITEMS_CLEAR_COLUMN] = "清空列";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT] = "对齐";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_LEFT] = "左对齐";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_CENTER] = "居中";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_RIGHT] = "右对齐";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_JUSTIFY] = "两端对齐";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_TOP] = "顶端对齐";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_MIDDLE] = "垂直居中";
  dictionary[k.CONTEXTMENU_ITEMS_ALIGNMENT_BOTTOM] = "底端对齐";
  dictionary[k.CONTEXTMENU_ITEMS_MERGE_CELLS] = "合并单元格";
  dictionary[k.CONTEXTMENU_ITEMS_UNMERGE_CELLS] = "取消合并单元格";
  dictionary[k.CONTEXTMENU_ITEMS_COPY] = "复制";
  dictionary[k.CONTEXTMENU_ITEMS_CUT] = "剪切";
  Handsontable.languages.registerLanguageDictionary(dictionary);
})();
