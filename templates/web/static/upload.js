// /nop: drag-and-drop onto the file input's zone, and a progress bar while files upload and
// are checked (htmx 2's htmx:xhr:progress). The form works without this file (plain POST).
(function () {
  "use strict";
  var form = document.getElementById("nop-form");
  if (!form) { return; }
  var input = document.getElementById("nop-files");
  var zone = document.getElementById("nop-drop");
  var box = document.getElementById("nop-progress");
  var bar = document.getElementById("nop-bar");
  var pct = document.getElementById("nop-pct");

  function show(value, text) {
    box.hidden = false;
    if (value === null) { bar.removeAttribute("value"); } else { bar.value = value; }
    pct.textContent = text;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (evt) {
      evt.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (evt) {
    evt.preventDefault();
    if (evt.dataTransfer && evt.dataTransfer.files.length) {
      input.files = evt.dataTransfer.files;
      pct.textContent = evt.dataTransfer.files.length + " tệp đã chọn";
      box.hidden = true;
    }
  });

  form.addEventListener("htmx:xhr:progress", function (evt) {
    var d = evt.detail;
    if (d.lengthComputable && d.total > 0) {
      var p = Math.round((d.loaded / d.total) * 100);
      if (p < 100) { show(p, "Đã gửi " + p + "%"); } else { show(null, "Đã gửi xong, đang kiểm tra…"); }
    }
  });
  form.addEventListener("htmx:beforeRequest", function () { show(0, "Bắt đầu gửi…"); });
  form.addEventListener("htmx:afterRequest", function () { box.hidden = true; });
  form.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status === 400 || xhr.status === 413) {
      if (xhr.responseText.indexOf('id="ket-qua"') !== -1) {
        evt.detail.shouldSwap = true;
        evt.detail.isError = false;
      } else {
        show(0, "Không gửi được: nội dung quá lớn hoặc không hợp lệ.");
      }
    }
  });
}());
