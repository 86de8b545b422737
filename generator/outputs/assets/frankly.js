/* Frankly: a promised next update, judged by the reader's clock.
 *
 * A static page cannot know the time; it carries each pending promise as
 * data (data-frankly-due) and says "Next update promised by 15:17" on its
 * own. Here, where the reader's clock is, a promise whose time has passed
 * says by how much it is overdue. Nothing is fetched; without JavaScript the
 * page reads the same, less this line.
 */
(function () {
  "use strict";

  function span(milliseconds) {
    var minutes = Math.floor(milliseconds / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    var parts = [];
    if (days) parts.push(days + " d");
    if (hours) parts.push(hours + " h");
    if (rest || !parts.length) parts.push(rest + " min");
    return parts.join(" ");
  }

  function judge() {
    var now = Date.now();
    var promises = document.querySelectorAll("[data-frankly-due]");
    for (var index = 0; index < promises.length; index++) {
      var promise = promises[index];
      var due = Date.parse(promise.getAttribute("data-frankly-due"));
      var late = promise.querySelector(".frankly-promise__late");
      if (isNaN(due) || !late) continue;
      if (now > due) {
        late.textContent = " Overdue by " + span(now - due) + ".";
        late.hidden = false;
        promise.classList.add("frankly-promise--overdue");
      } else if (!promise.hasAttribute("data-frankly-late-at-build")) {
        late.hidden = true;
        promise.classList.remove("frankly-promise--overdue");
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", judge);
  } else {
    judge();
  }
  window.setInterval(judge, 30000);
})();
