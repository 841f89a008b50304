/* Share a challenge: [data-copy] copies the address from the field it names, [data-share-url]
 * opens the phone's share sheet. Both stay hidden without JS (or without the browser feature);
 * the address field and the plain share links are there anyway. */
(function () {
  "use strict";
  var status = document.querySelector("[data-share-status]");

  function tell(text) { if (status) { status.textContent = text; } }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { tell(button.getAttribute("data-copied")); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* left selected */ }
      }
    });
  });

  if (navigator.share) {
    document.querySelectorAll("[data-share-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-share-title"),
          text: button.getAttribute("data-share-text"),
          url: button.getAttribute("data-share-url")
        }).catch(function () { /* the person closed the sheet */ });
      });
    });
  }
})();
