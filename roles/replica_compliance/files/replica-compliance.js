/* The replica_compliance HTML report's progressive enhancement: a text filter and column
   sorting. Everything else works without it: where a Content-Security-Policy runs no script
   (Jenkins' default sandboxes archived artifacts), the filter box stays hidden, the table
   stays in its worst-first order and the status filters (CSS :target) still work. */
(function () {
  "use strict";
  var table = document.getElementById("vms");
  var search = document.getElementById("vm-search");
  var shown = document.getElementById("vm-shown");
  if (!table || !search) {
    return;
  }
  var headers = table.tHead.rows[0].cells;
  var body = table.tBodies[0];
  var rows = Array.prototype.filter.call(body.rows, function (row) { return row.classList.contains("vm"); });

  function keyOf(row, index, numeric) {
    var cell = row.cells[index];
    var text = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return numeric ? parseFloat(text) : text.toLowerCase();
  }

  function sortBy(index, descending) {
    var numeric = headers[index].getAttribute("data-type") === "num";
    rows.slice().sort(function (a, b) {
      var x = keyOf(a, index, numeric), y = keyOf(b, index, numeric);
      var order = numeric ? x - y : x.localeCompare(y);
      return descending ? -order : order;
    }).forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(headers, function (header) { header.removeAttribute("aria-sort"); });
    headers[index].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  // Every word typed must occur in the row's text (VM, server, job, findings, waivers...).
  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      // The findings' own names (sla_below_target, size_anomaly, waiver_expired...) and "waived" match too.
      var text = (row.textContent + " " + (row.getAttribute("data-findings") || "") +
                  (row.getAttribute("data-waived") === "true" ? " waived" : "")).toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      count += match ? 1 : 0;
    });
    shown.textContent = words.length ? count + " of " + rows.length + " VMs match" : "";
  }

  Array.prototype.forEach.call(headers, function (header, index) {
    header.classList.add("sortable");
    header.title = "Sort by this column";
    header.addEventListener("click", function () {
      sortBy(index, header.getAttribute("aria-sort") === "ascending");
    });
  });
  search.addEventListener("input", filter);
  search.hidden = false;
  shown.hidden = false;
  document.getElementById("sort-hint").hidden = false;
  document.body.setAttribute("data-ready", "true");
}());
