/* Tự Quản: what a person sees when an HTMX request does not come back as expected.
 *
 * A refused form (422) is swapped in by htmx itself (responseHandling in base.html). Here:
 * a request that never reached the server (no signal), timed out, or came back with another
 * error shows a message in the page's language next to the button that was tapped. Nothing
 * is swapped, so what was typed stays in the form. The messages come from the <body>'s
 * data attributes, translated by the server.
 */
(function () {
  "use strict";
  var CLASS = "send-error";

  function texts() {
    return document.body ? document.body.dataset : {};
  }

  function messageFor(detail) {
    var t = texts();
    var status = detail && detail.xhr ? detail.xhr.status : 0;
    if (!status) return t.msgOffline;
    // The server's own words when it gave some (a field refused before any view ran).
    var own = detail.xhr.getResponseHeader("X-Tuquan-Message");
    if (own) return decodeURIComponent(own);
    if (status === 403 || status === 401) return t.msgDenied;
    if (status === 404) return t.msgNotFound;
    if (status === 413) return t.msgTooLarge;
    if (status === 429) return t.msgBusy;
    return t.msgServer;
  }

  function formOf(elt) {
    if (!elt || !elt.closest) return null;
    return elt.tagName === "FORM" ? elt : elt.closest("form");
  }

  function clear(elt) {
    var host = formOf(elt) || (elt && elt.parentNode);
    if (!host || !host.querySelectorAll) return;
    host.querySelectorAll("." + CLASS).forEach(function (node) { node.remove(); });
  }

  function show(evt) {
    var detail = evt.detail || {};
    var elt = detail.elt || evt.target;
    var text = messageFor(detail);
    if (!elt || !text) return;
    clear(elt);
    var note = document.createElement("p");
    note.className = CLASS;
    note.setAttribute("role", "alert");
    note.textContent = text;
    var form = formOf(elt);
    var config = detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    var button = (trigger && trigger.submitter) || (form && form.querySelector("[type=submit]"));
    if (button && form && form.contains(button)) {
      button.insertAdjacentElement("afterend", note);
    } else {
      elt.insertAdjacentElement("afterend", note);
    }
  }

  document.addEventListener("htmx:beforeRequest", function (evt) { clear(evt.detail && evt.detail.elt); });
  document.addEventListener("htmx:sendError", show);
  document.addEventListener("htmx:timeout", show);
  document.addEventListener("htmx:responseError", show);

  /* Behaviour that used to sit in inline handlers, which the content security policy forbids. */

  // The issued-reports page: the draft links carry the form's area and period.
  document.addEventListener("click", function (evt) {
    var link = evt.target && evt.target.closest ? evt.target.closest("a[data-draft-from-form]") : null;
    var host = link && link.closest("div");
    var form = host && host.querySelector("form");
    if (!form) return;
    evt.preventDefault();
    var params = new URLSearchParams();
    ["area", "start", "end"].forEach(function (name) {
      if (form.elements[name]) params.set(name, form.elements[name].value);
    });
    window.location.href = link.getAttribute("href").split("?")[0] + "?" + params.toString();
  });

  // A text to copy (the Zalo notice): focusing it selects it all.
  document.addEventListener("focusin", function (evt) {
    var target = evt.target;
    if (target && target.matches && target.matches("[data-select-on-focus]")) target.select();
  });
})();

/* "Select all" in a list of checkboxes (the commune's review queue): a box marked
 * data-check-all="NAME" ticks or clears every box named NAME in its form. Without
 * JavaScript the box does nothing, and each village-month has its own "check all" button. */
document.addEventListener("change", function (event) {
  var all = event.target;
  if (!all || !all.dataset || !all.dataset.checkAll || !all.form) return;
  all.form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.checkAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
