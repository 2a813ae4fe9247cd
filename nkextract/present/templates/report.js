/* Reading aids only: filter by verdict, search, sort.  Everything is in the page without
   this script; it only hides, shows and reorders groups. */
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var list = document.getElementById("groups");
  if (!controls || !list) { return; }
  var groups = Array.prototype.slice.call(list.querySelectorAll("section[data-verdict]"));
  if (!groups.length) { return; }
  var boxes = Array.prototype.slice.call(controls.querySelectorAll("input[name=verdict]"));
  var search = document.getElementById("search");
  var sort = document.getElementById("sort");
  var count = document.getElementById("count");
  var texts = groups.map(function (g) { return g.textContent.toLowerCase(); });

  function number(g, key) {
    var v = parseFloat(g.getAttribute("data-" + key));
    return isNaN(v) ? -Infinity : v;
  }

  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (g, i) {
      var show = on[g.getAttribute("data-verdict")] !== false &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      g.hidden = !show;
      if (show) { shown += 1; }
    });
    count.textContent = shown + " of " + groups.length + " groups shown";
  }

  function reorder() {
    var key = sort.value;
    groups.slice().sort(function (a, b) {
      var order = number(a, "order") - number(b, "order");
      if (key === "order") { return order; }
      var d = number(b, key) - number(a, key);
      return (isNaN(d) || d === 0) ? order : d;
    }).forEach(function (g) { list.appendChild(g); });
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  sort.addEventListener("change", reorder);
  controls.hidden = false;
  apply();
})();
