/* Test-only (check_browser.py adds it to the page it serves): measures the laid-out report and
   writes what it saw into body[data-probe] for --dump-dom. It only observes, except that with
   ?q=TEXT it types TEXT into the report's own filter box. */
// After load: the fragment's :target is matched once the document has been parsed and scrolled.
window.addEventListener("load", function () {
  "use strict";
  var root = document.documentElement;
  var rows = Array.prototype.slice.call(document.querySelectorAll("#vms tbody tr.vm"));
  var findings = document.querySelector("#vms th.findings");
  var search = document.getElementById("vm-search");
  var wrap = document.querySelector("#details .table-wrap");
  function shown() {
    return rows.filter(function (row) { return row.getClientRects().length > 0; }).length;
  }
  // Where a name wraps: each line break inside it must follow a separator or a space (never mid-word).
  var SEPARATORS = "._-/\\@ ";
  function nameBreaks() {
    var found = {wrapped: 0, mid_word: []};
    var names = document.querySelectorAll("td.name b, td.name span.muted, td.job");
    Array.prototype.forEach.call(names, function (element) {
      var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      var chars = [];
      var space = false;  // a space collapsed at a line's end has no box: the next character follows it
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        for (var i = 0; i < node.data.length; i += 1) {
          var range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          var rect = range.getBoundingClientRect();
          if (rect.width > 0) {
            chars.push({c: node.data[i], top: rect.top, after_space: space});
            space = false;
          } else {
            space = space || /\s/.test(node.data[i]);
          }
        }
      }
      var wrapped = false;
      for (var j = 1; j < chars.length; j += 1) {
        if (chars[j].top > chars[j - 1].top + 2) {
          wrapped = true;
          if (SEPARATORS.indexOf(chars[j - 1].c) === -1 && !chars[j].after_space && chars[j].c !== " ") {
            found.mid_word.push(element.textContent + " @" + j);
          }
        }
      }
      found.wrapped += wrapped ? 1 : 0;
    });
    return found;
  }
  var seen = {
    viewport: root.clientWidth,
    scroll_width: root.scrollWidth,
    findings_right: findings ? Math.ceil(findings.getBoundingClientRect().right) : null,
    // the table's own box: it scrolls sideways (and hides columns) when wider than the page
    wrap_right: wrap ? Math.floor(wrap.getBoundingClientRect().right) : null,
    wrap_scroll_width: wrap ? wrap.scrollWidth : null,
    wrap_client_width: wrap ? wrap.clientWidth : null,
    rows: rows.length,
    rows_shown: shown(),
    ready: document.body.getAttribute("data-ready"),
    // the text a reader sees above the chart (innerText leaves out what is not rendered)
    // (issue 28: with the waivers, the SLA strips and the runs that look wrong, which sit above it too)
    top_text: ["header", "#not-judged", "#warnings", "#not-found", "#context", "#summary", "#waivers", "#sla", "#anomalies"].map(function (selector) {
      var element = document.querySelector(selector);
      return element ? element.innerText : "";
    }).join("\n"),
    search_shown: Boolean(search) && !search.hidden,
    names: nameBreaks()
  };
  var query = /[?&]q=([^&#]*)/.exec(location.search);
  if (query && search) {
    search.value = decodeURIComponent(query[1]);
    search.dispatchEvent(new Event("input"));
    seen.rows_after_text = shown();
  }
  document.body.setAttribute("data-probe", JSON.stringify(seen));
});
