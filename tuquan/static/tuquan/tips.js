// The tip line's two helpers, in a file because the content security policy allows no
// inline script. Both pages work without it: the code is selectable text, and it can be typed.
(function () {
  "use strict";

  // "Chép mã": copy the receipt code; the button says whether it worked.
  function copyButton() {
    var row = document.getElementById("copy-row");
    if (!row) return;
    var code = document.getElementById(row.dataset.copy);
    var status = document.getElementById("copy-status");
    var button = document.createElement("button");
    button.type = "button";
    button.id = "copy-code";
    button.textContent = row.dataset.label;
    row.insertBefore(button, status);
    row.insertBefore(document.createTextNode(" "), status);
    var said = function (key) { status.textContent = row.dataset[key]; };
    var failed = function () {
      window.getSelection().selectAllChildren(code);  // ready for the phone's own "copy"
      said("failed");
    };
    button.addEventListener("click", function () {
      if (!navigator.clipboard) { failed(); return; }
      navigator.clipboard.writeText(code.textContent.trim()).then(function () { said("done"); }, failed);
    });
  }

  // The QR link opens /tin-bao/tra-cuu/#ma=<25 digits>. A fragment is sent to no server and
  // in no Referer; it is taken out of the address and history at once, then the code is
  // filled in and looked up.
  function prefill() {
    var match = /(?:^#|&)ma=(\d{25})(?:&|$)/.exec(window.location.hash);
    if (!window.location.hash) return;
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    var input = document.getElementById("id_code");
    if (!match || !input) return;
    input.value = match[1].replace(/(\d{5})(?=\d)/g, "$1 ");
    if (input.form.requestSubmit) input.form.requestSubmit();
    else input.form.submit();
  }

  function ready() { copyButton(); prefill(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
