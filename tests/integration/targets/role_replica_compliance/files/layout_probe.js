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
    top_text: ["header", "#not-judged", "#warnings", "#not-found", "#context", "#summary"].map(function (selector) {
      var element = document.querySelector(selector);
      return element ? element.innerText : "";
    }).join("\n"),
    search_shown: Boolean(search) && !search.hidden
  };
  var query = /[?&]q=([^&#]*)/.exec(location.search);
  if (query && search) {
    search.value = decodeURIComponent(query[1]);
    search.dispatchEvent(new Event("input"));
    seen.rows_after_text = shown();
  }
  document.body.setAttribute("data-probe", JSON.stringify(seen));
});
