/* Frankly: a promised next update, judged by the reader's clock.
 *
 * A static page cannot know the time; it carries each pending promise as
 * data (data-frankly-due) and says "Next update promised by 15:17" on its
 * own. Here, where the reader's clock is, a promise whose time has passed
 * says by how much it is overdue. Nothing is fetched; without JavaScript the
 * page reads the same, less this line.
 *
 * Every <time datetime="..."> says the moment in the site's zone. Where the
 * reader's zone has another offset at that moment, the reader's time is
 * added beside it, "(08:32 your time)", with the day when that differs too;
 * the site's time stays as it was (feeds and readers without JavaScript see
 * only it), and the added text carries it in its title.
 */
(function () {
  "use strict";

  // The page's language's words (generator/outputs/scriptwords.py); none on an English page.
  var WORDS = { days: "%(days)d d", hours: "%(hours)d h", minutes: "%(minutes)d min",
                overdue: " Overdue by %(span)s.", yours: "%(time)s your time" };
  try {
    var given = document.getElementById("frankly-words");
    if (given) {
      var parsed = JSON.parse(given.textContent);
      for (var key in WORDS) if (typeof parsed[key] === "string") WORDS[key] = parsed[key];
    }
  } catch (error) { /* keep English */ }

  function say(key, name, value) {
    return WORDS[key].replace("%(" + name + ")d", value).replace("%(" + name + ")s", value);
  }

  function span(milliseconds) {
    var minutes = Math.floor(milliseconds / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    var parts = [];
    if (days) parts.push(say("days", "days", days));
    if (hours) parts.push(say("hours", "hours", hours));
    if (rest || !parts.length) parts.push(say("minutes", "minutes", rest));
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
        late.textContent = say("overdue", "span", span(now - due));
        late.hidden = false;
        promise.classList.add("frankly-promise--overdue");
      } else if (!promise.hasAttribute("data-frankly-late-at-build")) {
        late.hidden = true;
        promise.classList.remove("frankly-promise--overdue");
      }
    }
  }

  function two(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function localTimes() {
    var language = document.documentElement.lang || undefined;
    var days;
    try {
      days = new Intl.DateTimeFormat(language, { day: "numeric", month: "short" });
    } catch (error) {
      days = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
    }
    var times = document.querySelectorAll("time[datetime]");
    for (var index = 0; index < times.length; index++) {
      var time = times[index];
      var stamp = time.getAttribute("datetime");
      var match = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(stamp);
      if (!match || time.hasAttribute("data-frankly-local")) continue;
      var moment = new Date(stamp);
      if (isNaN(moment.getTime())) continue;
      var siteOffset = match[4] === "Z" ? 0 : (match[5] === "-" ? -1 : 1) * (60 * parseInt(match[6], 10) + parseInt(match[7], 10));
      var readerOffset = -moment.getTimezoneOffset();
      if (siteOffset === readerOffset) continue;
      var sameDay = moment.getFullYear() === parseInt(match[1], 10) && moment.getMonth() + 1 === parseInt(match[2], 10) &&
        moment.getDate() === parseInt(match[3], 10);
      var clock = two(moment.getHours()) + ":" + two(moment.getMinutes());
      var local = document.createElement("span");
      local.className = "frankly-localtime";
      local.textContent = " (" + say("yours", "time", (sameDay ? "" : days.format(moment) + ", ") + clock) + ")";
      local.title = time.textContent;
      time.setAttribute("data-frankly-local", "");
      time.parentNode.insertBefore(local, time.nextSibling);
    }
  }

  // Material's language switcher lists this page in every language (generator/publication/editions.py).
  // Its script would look the page up in each language's sitemap and, not finding
  // one beside the page, send the reader to an address without its trailing slash;
  // the link is already the right page, so let the browser follow it.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a.md-select__link[hreflang]") : null;
    if (link) event.stopPropagation();
  }, true);

  function start() {
    localTimes();
    judge();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.setInterval(judge, 30000);
})();
