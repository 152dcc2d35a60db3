// Loa console: small enhancements only; every form works without this file.
// The composer refreshes its previews a moment after typing stops, by posting the form with
// action=preview (exactly what the "Xem trước" button does) and swapping in the previews.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  var target = document.getElementById("xem-truoc");
  if (!form || !target || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var busy = false;
  function refresh() {
    if (busy) { return; }
    busy = true;
    var data = new FormData(form);
    data.delete("image_file");
    data.set("action", "preview");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("xem-truoc");
        if (fresh) { target.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the button still works */ })
      .then(function () { busy = false; });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 1200);
  });
})();
