(function () {
  var terms = JSON.parse(document.getElementById("search-data").textContent);
  var box = document.getElementById("search-box"), out = document.getElementById("search-results");
  function norm(s) { return (s || "").toLowerCase(); }
  function show() {
    var q = norm(box.value.trim());
    out.innerHTML = "";
    if (!q) { return; }
    var hits = terms.filter(function (t) { return t.k.indexOf(q) !== -1; }).slice(0, 100);
    hits.sort(function (a, b) { return (a.k.indexOf(q) - b.k.indexOf(q)) || a.en.length - b.en.length; });
    hits.forEach(function (t) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = t.href; a.textContent = t.en || t.curie;
      li.appendChild(a);
      if (t.zh) { var zh = document.createElement("span"); zh.lang = "zh"; zh.className = "zh"; zh.textContent = t.zh; li.appendChild(zh); }
      var meta = document.createElement("span"); meta.className = "meta"; meta.textContent = t.curie + " · " + t.kind;
      li.appendChild(meta);
      out.appendChild(li);
    });
    document.getElementById("search-count").textContent = q ? hits.length + (hits.length === 100 ? "+" : "") + " match(es)" : "";
  }
  box.addEventListener("input", show);
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { box.value = q; }
  show();
})();
