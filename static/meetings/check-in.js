// Check-in at the door: scan a badge's QR code (where the browser has a barcode detector) or
// type its code. A code read while the phone is offline is kept in a small queue in
// localStorage and sent, in order, when the connection returns. No inline script (CSP).
(function () {
  "use strict";
  var root = document.querySelector(".check-in");
  if (!root) { return; }
  var form = root.querySelector("form");
  var input = form && form.querySelector("input[name=code]");
  var status = root.querySelector("[data-queue-status]");
  var url = root.getAttribute("data-check-in-url");
  var key = "cica-check-in:" + url;

  function queue() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { localStorage.setItem(key, JSON.stringify(items)); } catch (e) { /* private mode */ }
    status.textContent = items.length ? root.getAttribute("data-queued-text") + " " + items.length : "";
  }
  function csrf() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function post(code) {
    var body = new URLSearchParams();
    body.set("code", code);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    });
  }
  function flush() {
    var items = queue();
    if (!items.length || !navigator.onLine) { save(items); return; }
    post(items[0]).then(function (response) {
      // A refused code (forged, not of this meeting) is dropped too: it will never pass.
      if (response.status < 500) { items.shift(); save(items); flush(); }
    }).catch(function () { save(items); });
  }
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }  // online: the ordinary form post shows the result
    event.preventDefault();
    var items = queue();
    if (input.value.trim()) { items.push(input.value.trim()); }
    input.value = "";
    save(items);
    status.textContent = root.getAttribute("data-offline-text") + " " + status.textContent;
  });
  window.addEventListener("online", flush);
  flush();

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var camera = root.querySelector(".check-in__camera");
  var button = root.querySelector("[data-scan]");
  var video = root.querySelector(".check-in__video");
  var stream = null;
  camera.hidden = false;
  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null; video.hidden = true;
    button.textContent = root.getAttribute("data-scan-text");
  }
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      button.textContent = root.getAttribute("data-stop-text");
      (function look() {
        if (!stream) { return; }
        detector.detect(video).then(function (codes) {
          if (codes.length) { input.value = codes[0].rawValue; stop(); form.requestSubmit(); }
          else { window.requestAnimationFrame(look); }
        }).catch(function () { window.requestAnimationFrame(look); });
      })();
    }).catch(stop);
  });
})();
