// The implementation report keeps what is typed: a draft is saved in the background a minute
// after the last change (and when the page is hidden), and leaving with unsaved text asks first.
// Without this script the page works the same; only the background save is missing.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var dirty = false, timer = null, sending = false;
  var messages = {
    saved: form.getAttribute("data-saved-text") || "Draft saved at",
    failed: form.getAttribute("data-failed-text") || "Not saved yet"
  };

  function payload() {
    var data = new FormData(form);
    data.delete("file");  // files go only with "attach"
    data.set("then", "autosave");
    return data;
  }

  function save() {
    if (!dirty || sending) { return; }
    sending = true;
    dirty = false;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: payload(), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok && body.saved) {
          status.textContent = messages.saved + " " + body.at;
        } else {
          dirty = true;
          status.textContent = messages.failed + (body.error ? ": " + body.error : "");
        }
      });
    }).catch(function () {
      dirty = true;
      status.textContent = messages.failed;
    }).finally(function () { sending = false; });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 60000);
  });
  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}());
