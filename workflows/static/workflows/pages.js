/* 渠道审批系统: confirmations and stock opinions. A static file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  // A button or form with data-confirm asks first (驳回, 撤回, 退回, 提交, 作废 ...).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // 常用意见: picking one puts it into the opinion box.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-opinion-for]");
    if (!select || !select.value) { return; }
    var box = document.getElementById(select.getAttribute("data-opinion-for"));
    if (box) {
      box.value = box.value ? box.value + select.value : select.value;
      box.focus();
    }
    select.value = "";
  });
})();
