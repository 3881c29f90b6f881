// nianbao report: the reports table (filter, sort, pages, each row's tables) and the cross-year chains.
// Everything it reads is in the page (#nianbao-data); it asks the network for nothing. The DOM is built
// with textContent only, so no text from a report is ever parsed as HTML.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("nianbao-data").textContent);
  var L = DATA.labels, S = DATA.strings, PAGE = 50;
  var collator = new Intl.Collator("zh-CN", {numeric: true});

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        if (key === "text") node.textContent = attrs[key];
        else if (key === "cls") node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
    }
    for (var k = 2; k < arguments.length; k++) {
      var child = arguments[k];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function str(index) { return index === null ? null : S[index]; }
  function shown(value) { return value === null || value === undefined ? "—" : String(value); }
  // a value of a check: null is 空, never "—", which reports print for 0
  function orNull(value) { return value === null || value === undefined ? "空" : String(value); }
  function ruleName(rule) { return L.rules[rule] ? rule + " " + L.rules[rule] : rule; }
  function whereName(where) { return L.where[where] || where; }
  function valueText(value) {
    return value === null || value === undefined ? el("span", {cls: "null", text: "空", title: "未读出（null）"})
      : String(value);
  }

  // ---- a pager: previous / next and "page n of m" ------------------------------------------------
  function Pager(container, onChange) {
    var self = this;
    this.page = 0; this.pages = 1;
    this.prev = el("button", {type: "button", text: "上一页"});
    this.next = el("button", {type: "button", text: "下一页"});
    this.input = el("input", {type: "number", min: "1", value: "1", "aria-label": "页码", style: "width:5em"});
    this.total = el("span");
    container.append(this.prev, this.input, this.total, this.next);
    this.prev.addEventListener("click", function () { self.go(self.page - 1); });
    this.next.addEventListener("click", function () { self.go(self.page + 1); });
    this.input.addEventListener("change", function () { self.go(Number(self.input.value) - 1); });
    this.go = function (page) {
      self.page = Math.max(0, Math.min(page, self.pages - 1));
      onChange();
    };
    this.update = function (items) {
      self.pages = Math.max(1, Math.ceil(items / PAGE));
      self.page = Math.min(self.page, self.pages - 1);
      self.input.value = String(self.page + 1);
      self.input.max = String(self.pages);
      self.total.textContent = " / " + self.pages + " 页";
      self.prev.disabled = self.page === 0;
      self.next.disabled = self.page >= self.pages - 1;
      return [self.page * PAGE, Math.min(items, (self.page + 1) * PAGE)];
    };
  }

  // ---- the reports table ------------------------------------------------------------------------
  var ROWS = DATA.rows.map(function (r, i) {
    return {i: i, agency: str(r[0]), year: r[1], template: str(r[2]), format: str(r[3]), failing: r[4],
            issues: r[5], errors: r[6], rules: r[7].map(str), file: r[8]};
  });
  var table = document.getElementById("reports-table");
  var tbody = table.querySelector("tbody");
  var filters = {q: document.getElementById("q"), year: document.getElementById("f-year"),
                 format: document.getElementById("f-format"), template: document.getElementById("f-template"),
                 rule: document.getElementById("f-rule"), failing: document.getElementById("f-failing")};
  var sort = {key: "i", dir: 1};
  var view = ROWS;
  var open = new Set();
  var pager = new Pager(document.getElementById("reports-pager"), draw);

  function options(select, values) {
    values.sort(function (a, b) { return typeof a === "number" ? a - b : collator.compare(a, b); });
    values.forEach(function (v) { select.appendChild(el("option", {value: String(v), text: String(v)})); });
  }
  function distinct(pick) {
    var seen = new Set();
    ROWS.forEach(function (row) { [].concat(pick(row)).forEach(function (v) { if (v !== null) seen.add(v); }); });
    return Array.from(seen);
  }
  options(filters.year, distinct(function (r) { return r.year; }));
  options(filters.format, distinct(function (r) { return r.format; }));
  options(filters.template, distinct(function (r) { return r.template; }));
  options(filters.rule, distinct(function (r) { return r.rules; }));

  function apply() {
    var q = filters.q.value.trim().toLowerCase(), year = filters.year.value, fmt = filters.format.value;
    var tpl = filters.template.value, rule = filters.rule.value, failing = filters.failing.checked;
    view = ROWS.filter(function (r) {
      return (!q || (r.agency || "").toLowerCase().indexOf(q) >= 0 || r.file.toLowerCase().indexOf(q) >= 0)
        && (!year || String(r.year) === year) && (!fmt || r.format === fmt) && (!tpl || r.template === tpl)
        && (!rule || r.rules.indexOf(rule) >= 0) && (!failing || r.failing > 0);
    });
    var key = sort.key, dir = sort.dir;
    view.sort(function (a, b) {
      var x = a[key], y = b[key];
      if (x === y) return a.i - b.i;
      if (x === null) return 1;  // nulls last, either way
      if (y === null) return -1;
      return dir * (typeof x === "number" ? x - y : collator.compare(x, y));
    });
    pager.page = 0;
    draw();
  }

  function draw() {
    var span = pager.update(view.length);
    document.getElementById("count").textContent = "共 " + view.length.toLocaleString() + " 份（全部 "
      + ROWS.length.toLocaleString() + " 份）";
    tbody.textContent = "";
    view.slice(span[0], span[1]).forEach(function (r) {
      var failing = el("td", {cls: "num" + (r.failing ? " failing" : "")}, String(r.failing));
      if (r.rules.length) failing.appendChild(el("span", {cls: "rules", text: r.rules.join(" ")}));
      var tr = el("tr", {cls: "row", tabindex: "0", "aria-expanded": String(open.has(r.i)), "data-index": r.i},
        el("td", {cls: "num", text: String(r.i + 1)}), el("td", {text: shown(r.agency)}),
        el("td", {cls: "num", text: shown(r.year)}), el("td", {text: shown(r.template)}),
        el("td", {text: shown(r.format)}), failing,
        el("td", {cls: "num", text: r.issues + (r.errors ? "（错误 " + r.errors + "）" : "")}),
        el("td", {cls: "file", text: r.file}));
      tbody.appendChild(tr);
      if (open.has(r.i)) showDetail(tr, r.i);
    });
  }

  function toggle(tr) {
    var index = Number(tr.getAttribute("data-index"));
    if (open.has(index)) {
      open.delete(index);
      tr.setAttribute("aria-expanded", "false");
      if (tr.nextSibling && tr.nextSibling.classList.contains("detail")) tr.nextSibling.remove();
    } else {
      open.add(index);
      tr.setAttribute("aria-expanded", "true");
      showDetail(tr, index);
    }
  }
  tbody.addEventListener("click", function (event) {
    var tr = event.target.closest("tr.row");
    if (tr) toggle(tr);
  });
  tbody.addEventListener("keydown", function (event) {
    var tr = event.target.closest("tr.row");
    if (tr && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); toggle(tr); }
  });
  Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sort = {key: key, dir: sort.key === key ? -sort.dir : (key === "failing" || key === "issues" ? -1 : 1)};
      Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      apply();
    });
  });
  filters.q.addEventListener("input", apply);
  ["year", "format", "template", "rule", "failing"].forEach(function (name) {
    filters[name].addEventListener("change", apply);
  });

  // ---- one report's tables, unpacked from its gzip chunk on first use ---------------------------
  var chunks = new Map();
  function chunk(number) {
    if (!chunks.has(number)) {
      chunks.set(number, (function () {
        var binary = atob(DATA.chunks[number]);
        var bytes = new Uint8Array(binary.length);
        for (var k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text().then(JSON.parse);
      })());
    }
    return chunks.get(number);
  }

  function showDetail(tr, index) {
    var cell = el("td", {colspan: "8"}, el("p", {cls: "note", text: "读取中……"}));
    var row = el("tr", {cls: "detail"}, cell);
    tr.after(row);
    chunk(Math.floor(index / DATA.chunk)).then(function (reports) {
      cell.textContent = "";
      cell.appendChild(detail(reports[index % DATA.chunk]));
    }).catch(function (error) {
      cell.textContent = "无法读取此报告的表格：" + error;
    });
  }

  function detail(d) {
    var box = el("div", {cls: "report"});
    var head = el("dl", {cls: "report-head"});
    [[L.columns.title, d.title], [L.columns.uri, d.uri], [L.columns.agency, d.agency], [L.columns.year, d.year],
     [L.columns.published, d.published], [L.columns.signed, d.signed], [L.columns.template, d.template],
     [L.columns.format, d.format + (d.reader && d.reader !== d.format ? "（" + d.reader + "）" : "")],
     [L.columns.bytes, d.bytes == null ? null : d.bytes.toLocaleString()],
     ["校验", d.checks + " 项，" + d.failing.length + " 项未通过"]].forEach(function (pair) {
      head.append(el("dt", {text: pair[0]}), el("dd", {cls: pair[0] === L.columns.uri ? "file" : "", text: shown(pair[1])}));
    });
    box.appendChild(head);
    // number the failing checks; map each involved cell to its check numbers
    var hits = {}, bySection = {proactive: [], applications: [], review_litigation: [], other: []};
    d.failing.forEach(function (check, n) {
      var cells = check[4] || [];
      cells.forEach(function (c) {
        var key = c.join("|");
        (hits[key] = hits[key] || []).push(n + 1);
      });
      var section = cells.length && bySection[cells[0][0]] ? cells[0][0] : "other";
      bySection[section].push([n + 1, check]);
    });
    function valueCell(section, row, column, value, label) {
      var td = el("td", {}, label ? el("small", {text: label}) : null, valueText(value));
      var refs = hits[section + "|" + row + "|" + column];
      if (refs) {
        td.className = "hit";
        td.setAttribute("data-checks", refs.join(" "));
        td.title = refs.map(function (n) { return "#" + n + " " + checkText(d.failing[n - 1]); }).join("\n");
        td.appendChild(el("sup", {cls: "ref", text: refs.join(",")}));
      }
      return td;
    }
    // a row's label, marked when the report has issues at that row ("applications.carried_forward") or its cells
    var issueAt = {};
    d.issues.forEach(function (i) {
      var at = (i[3] || "").split(".").slice(0, 2).join(".");  // a cell's issue marks its row
      (issueAt[at] = issueAt[at] || []).push(i[2]);
    });
    function rowHead(sectionKey, key, label) {
      var th = el("th", {scope: "row", text: label});
      var notes = issueAt[sectionKey + "." + key];
      if (notes) {
        th.className = "issue";
        th.title = notes.join("\n");
        th.appendChild(el("sup", {cls: "warn", text: "!"}));
      }
      return th;
    }
    // a table of rows (key, label, group label or none) by columns (key, label): [table, rows the report has]
    function matrix(sectionKey, rowDefs, columnDefs, rows) {
      var head = el("tr", {}, el("th", {}));
      columnDefs.forEach(function (col) { head.appendChild(el("th", {scope: "col", text: col[1]})); });
      var body = el("tbody"), group = null, count = 0;
      rowDefs.forEach(function (row) {
        var values = rows[row[0]];
        if (!values) return;
        if (row[2] && row[2] !== group) {
          body.appendChild(el("tr", {cls: "group"},
            el("th", {colspan: String(columnDefs.length + 1), scope: "rowgroup", text: row[2]})));
        }
        group = row[2];
        var tr = el("tr", {}, rowHead(sectionKey, row[0], row[1]));
        columnDefs.forEach(function (col, k) { tr.appendChild(valueCell(sectionKey, row[0], col[0], values[k])); });
        body.appendChild(tr);
        count++;
      });
      return [el("table", {cls: "grid"}, el("thead", {}, head), body), count];
    }
    // 二: one row per item, each cell its column label and value
    var pro = el("table", {cls: "grid"}), items = 0;
    L.proactive.forEach(function (item) {
      var values = d.proactive[item[0]];
      if (!values) return;
      var tr = el("tr", {}, rowHead("proactive", item[0], item[1]));
      item[2].forEach(function (col) {
        if (col[0] in values) tr.appendChild(valueCell("proactive", item[0], col[0], values[col[0]], col[1]));
      });
      pro.appendChild(tr);
      items++;
    });
    box.appendChild(section(L.sections.proactive, pro, bySection.proactive, items > 0));
    // 三: the rows the report has, grouped, by the seven applicant columns; 四: the three groups by five fields
    [["applications", L.application_rows, L.application_columns],
     ["review_litigation", L.review_groups, L.review_fields]].forEach(function (spec) {
      var grid = matrix(spec[0], spec[1], spec[2], byKey(d[spec[0]]));
      box.appendChild(section(L.sections[spec[0]], grid[0], bySection[spec[0]], grid[1] > 0));
    });
    if (bySection.other.length) box.appendChild(section("其他校验", null, bySection.other, false));
    if (d.issues.length) {
      var issues = el("table", {cls: "list issues"},
        el("thead", {}, el("tr", {}, el("th", {text: "级别"}), el("th", {text: "代码"}), el("th", {text: "位置"}),
                                  el("th", {text: "说明"}))));
      var ib = el("tbody");
      d.issues.forEach(function (i) {
        ib.appendChild(el("tr", {}, el("td", {cls: "level-" + i[0], text: i[0] === "error" ? "错误" : "警告"}),
          el("td", {cls: "file", text: i[1]}), el("td", {cls: "file", text: shown(i[3])}), el("td", {text: i[2]})));
      });
      issues.appendChild(ib);
      box.append(el("h3", {text: L.columns.issues + "：" + d.issues.length}), el("div", {cls: "scroll"}, issues));
    }
    return box;
  }

  // [[row key, value, …], …] (the page's compact form of a record's table) → {row key: [value, …]}
  function byKey(rows) {
    var out = {};
    rows.forEach(function (row) { out[row[0]] = row.slice(1); });
    return out;
  }

  function checkText(check) {
    return ruleName(check[0]) + " · " + whereName(check[1]) + "：应为 " + orNull(check[2]) + "，实际 " + orNull(check[3]);
  }

  function section(title, grid, checks, hasValues) {
    var box = el("div", {cls: "section"}, el("h3", {text: title}));
    if (grid) box.appendChild(hasValues ? el("div", {cls: "scroll"}, grid) : el("p", {cls: "note", text: "未读出此表。"}));
    if (checks.length) {
      var list = el("ol", {cls: "checks", "aria-label": "未通过的校验"});
      checks.forEach(function (pair) {
        var li = el("li", {value: String(pair[0])}, el("span", {text: checkText(pair[1])}));
        li.addEventListener("mouseenter", function () { mark(box, pair[0], true); });
        li.addEventListener("mouseleave", function () { mark(box, pair[0], false); });
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box;
  }
  function mark(box, number, on) {
    Array.prototype.forEach.call(box.querySelectorAll("td.hit"), function (td) {
      if ((" " + td.getAttribute("data-checks") + " ").indexOf(" " + number + " ") >= 0) td.classList.toggle("focus", on);
    });
  }

  apply();

  // ---- cross-year chains ------------------------------------------------------------------------
  var chainList = document.getElementById("chain-list");
  if (chainList) {
    var CHAINS = DATA.chains.map(function (c) {
      var links = c[2].map(function (l) { return {from: l[0], to: l[1], ok: l[2], failed: l[3], nc: l[4], details: l[5]}; });
      var problems = c[3].length + c[4].length + links.filter(function (l) { return l.failed; }).length;
      return {agency: c[0], years: c[1], links: links, gaps: c[3], dups: c[4], problems: problems};
    });
    var chainQ = document.getElementById("chain-q"), onlyProblems = document.getElementById("chain-problems");
    var chainView = CHAINS;
    var chainPager = new Pager(document.getElementById("chains-pager"), drawChains);
    var applyChains = function () {
      var q = chainQ.value.trim().toLowerCase();
      chainView = CHAINS.filter(function (c) {
        return (!q || c.agency.toLowerCase().indexOf(q) >= 0) && (!onlyProblems.checked || c.problems > 0);
      });
      chainPager.page = 0;
      drawChains();
    };
    chainQ.addEventListener("input", applyChains);
    onlyProblems.addEventListener("change", applyChains);
    applyChains();
  }

  function drawChains() {
    var span = chainPager.update(chainView.length);
    var flagged = CHAINS.filter(function (c) { return c.problems > 0; }).length;
    document.getElementById("chain-count").textContent = "显示 " + chainView.length.toLocaleString() + " 个机关（共 "
      + CHAINS.length.toLocaleString() + " 个，" + flagged.toLocaleString() + " 个有问题）";
    chainList.textContent = "";
    chainView.slice(span[0], span[1]).forEach(function (c) { chainList.appendChild(chainRow(c)); });
  }

  function chainRow(c) {
    var present = new Set(c.years), dups = new Map(c.dups.map(function (d) { return [d[0], d[2] || d[1].length]; }));
    var links = new Map(c.links.map(function (l) { return [l.from + "-" + l.to, l]; }));
    var chain = el("span", {cls: "chain"});
    var first = c.years[0], last = c.years[c.years.length - 1], previous = null;
    for (var y = first; y <= last; y++) {
      if (!present.has(y)) {
        chain.appendChild(el("span", {cls: "link gap", text: "┄"}));
        chain.appendChild(el("span", {cls: "year missing", text: String(y), title: y + " 年：缺少报告"}));
        continue;
      }
      if (previous !== null) {
        var link = links.get(previous + "-" + y);
        if (!link) chain.appendChild(el("span", {cls: "link gap", text: y - previous > 1 ? "┄" : "·", title: "没有校验"}));
        else if (link.failed) chain.appendChild(el("span", {cls: "link broken", text: "✗", title: link.failed + " 项未通过"}));
        else if (link.ok) chain.appendChild(el("span", {cls: "link ok", text: "✓", title: link.ok + " 项通过"}));
        else chain.appendChild(el("span", {cls: "link nc", text: "≠", title: "不可比较"}));
      }
      var dup = dups.get(y);
      chain.appendChild(el("span", {cls: "year" + (dup ? " dup" : ""), text: String(y) + (dup ? " ×" + dup : ""),
                                    title: dup ? y + " 年有 " + dup + " 份报告" : y + " 年"}));
      previous = y;
    }
    var row = el("div", {cls: "agency"}, el("span", {cls: "name", text: c.agency}), chain);
    var details = [];
    c.links.forEach(function (l) {
      l.details.forEach(function (x) {
        details.push([x[0], l.from + "→" + l.to, whereName(x[1]), x[2] === null ? "不可比较" : "未通过", x[3], x[4], x[5]]);
      });
    });
    c.gaps.forEach(function (g) {
      var missing = [];
      for (var y = g[0] + 1; y < g[1]; y++) missing.push(y);
      details.push(["cross_year.gap", g[0] + "→" + g[1], "", "缺少 " + missing.join("、"), null, null, []]);
    });
    c.dups.forEach(function (d) {
      details.push(["cross_year.duplicate", String(d[0]), "", (d[2] || d[1].length) + " 份", null, null, d[1]]);
    });
    if (details.length) {
      var more = el("button", {type: "button", cls: "more", "aria-expanded": "false", text: "明细（" + details.length + "）"});
      row.appendChild(more);
      more.addEventListener("click", function () {
        var openNow = more.getAttribute("aria-expanded") === "true";
        more.setAttribute("aria-expanded", String(!openNow));
        if (openNow) { row.querySelector("table").remove(); return; }
        var tb = el("tbody");
        details.forEach(function (x) {
          tb.appendChild(el("tr", {}, el("td", {text: ruleName(x[0])}), el("td", {text: x[1]}), el("td", {text: x[2]}),
            el("td", {text: x[3]}), el("td", {text: orNull(x[4])}), el("td", {text: orNull(x[5])}),
            el("td", {cls: "file", text: x[6].map(function (u) { return u.split("/").pop(); }).join(" ")})));
        });
        row.appendChild(el("table", {cls: "list"}, el("thead", {}, el("tr", {},
          el("th", {text: "规则"}), el("th", {text: L.columns.year}), el("th", {text: "位置"}), el("th", {text: "结果"}),
          el("th", {text: "应为"}), el("th", {text: "实际"}), el("th", {text: L.columns.uri}))), tb));
      });
    }
    return row;
  }

  document.documentElement.setAttribute("data-ready", "true");
})();
