/* A proposal shows only the parts for its kind: every [data-kinds="stamp team"] element is
 * hidden unless the chosen kind is listed. Without this script every part shows; hidden
 * parts are still sent as typed, so switching kinds back loses nothing. */
(function () {
  "use strict";
  var kind = document.querySelector("select[name=kind]");
  if (!kind) { return; }
  function show() {
    document.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = kind.value !== "" && part.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
