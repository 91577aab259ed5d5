/*
 * whatworks.js: the evidence table, the evidence map and Plotly figures.
 *
 * Plain ES2017, no build step. The only global is `window.whatworks`.
 * The HTML it enhances is emitted by the whatworks renderer; with JavaScript
 * off that HTML is complete on its own (a static table, an HTML matrix).
 *
 * Card text arrives as JSON inside a <template> (or a JSON <script>; see
 * readJSON) and is always treated as text: it reaches the page through
 * textContent or DOM nodes, never innerHTML, and is escaped before Plotly
 * (which reads a subset of HTML in its labels) sees it.
 *
 * Material's instant navigation swaps the page without reloading: every
 * component is set up on each emission of Material's document$ and torn down
 * (Tabulator destroyed, Plotly purged) before the next.
 */
(function () {
  "use strict";

  var NS = (window.whatworks = window.whatworks || {});
  NS.version = "1";

  /* ---------------------------------------------------------------- utils */

  var SCRIPT = document.currentScript ||
    document.querySelector('script[src*="assets/whatworks/whatworks.js"]');
  /** Base URL of the site's assets/ folder, from this script's own URL. */
  var ASSETS = SCRIPT ? new URL("../", SCRIPT.src).href : new URL("assets/", document.baseURI).href;
  var LIB = {
    tabulator: ASSETS + "vendor/tabulator/tabulator.min.js",
    plotly: ASSETS + "vendor/plotly/plotly-basic.min.js"
  };

  var loading = {};

  /** Load a script once; resolve when `ready()` holds. */
  function loadScript(url, ready) {
    if (ready()) return Promise.resolve();
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.async = true;
        s.onload = function () {
          if (ready()) resolve();
          else reject(new Error("loaded but not defined: " + url));
        };
        s.onerror = function () {
          delete loading[url];
          reject(new Error("could not load " + url));
        };
        document.head.appendChild(s);
      });
    }
    return loading[url];
  }

  function ensurePlotly() {
    return loadScript(LIB.plotly, function () { return typeof window.Plotly !== "undefined"; });
  }

  function ensureTabulator() {
    return loadScript(LIB.tabulator, function () { return typeof window.Tabulator !== "undefined"; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = String(v);
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function str(v) {
    return v === null || v === undefined ? "" : String(v);
  }

  function list(v) {
    return Array.isArray(v) ? v.map(str) : (v === null || v === undefined || v === "" ? [] : [str(v)]);
  }

  /*
   * Data arrive in a <template> (preferred) or a <script type="application/json">.
   * Material's instant navigation re-creates every inline <script> of the next
   * page without its attributes, so a JSON script would then run as JavaScript
   * (a SyntaxError) and lose its id; a <template> is left alone.
   */
  function readJSON(node) {
    if (!node) return null;
    try {
      return JSON.parse(node.content ? node.content.textContent : node.textContent);
    } catch (e) {
      console.warn("whatworks: invalid JSON in #" + node.id, e);
      return null;
    }
  }

  /** The element holding a component's JSON (see readJSON). */
  function dataNode(root, selector) {
    return root.querySelector(selector) ||
      root.querySelector('template, script[type="application/json"]') ||
      /* After instant navigation Material has stripped the script's id and type. */
      root.querySelector("script:not([src])");
  }

  /** A link target from data: relative, or http(s) only. */
  function safeHref(url) {
    url = str(url).trim();
    if (!url) return null;
    try {
      var u = new URL(url, document.baseURI);
      return u.protocol === "http:" || u.protocol === "https:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  /** Escape text for Plotly, whose labels understand a few HTML tags. */
  function plotlyText(s) {
    return str(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /** Break a label into lines of about `width` characters (escaped for Plotly). */
  function wrapLabel(s, width) {
    var words = str(s).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > width) {
        lines.push(line);
        line = w;
      } else {
        line = line ? line + " " + w : w;
      }
    });
    if (line) lines.push(line);
    return lines.map(plotlyText).join("<br>");
  }

  function debounce(fn, ms) {
    var t = null;
    var wrapped = function () {
      clearTimeout(t);
      t = setTimeout(fn, ms);
    };
    wrapped.flush = function () {
      clearTimeout(t);
      fn();
    };
    wrapped.cancel = function () { clearTimeout(t); };
    return wrapped;
  }

  function facetLabels(facets) {
    var out = {};
    Object.keys(facets || {}).forEach(function (name) {
      var f = facets[name] || {};
      var terms = Array.isArray(f.terms) ? f.terms : [];
      out[name] = {
        label: str(f.label) || name,
        terms: terms.map(function (t) { return { id: str(t.id), label: str(t.label) || str(t.id) }; }),
        byId: new Map(terms.map(function (t, i) { return [str(t.id), { label: str(t.label) || str(t.id), rank: i }]; }))
      };
    });
    return out;
  }

  function labelOf(facet, id) {
    var t = facet && facet.byId.get(id);
    return t ? t.label : id;
  }

  /** Replace the query keys we own; keep any others (e.g. Material's ?h=). */
  function writeQuery(keys, values) {
    var params = new URLSearchParams(window.location.search);
    keys.forEach(function (k) { params.delete(k); });
    keys.forEach(function (k) {
      if (values[k]) params.set(k, values[k]);
    });
    var qs = params.toString();
    var url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  /** A labelled <select> for one facet; the first option, "All", is "". */
  function facetSelect(id, name, label, terms) {
    var select = el("select", { id: id, name: name });
    select.appendChild(el("option", { value: "", text: "All" }));
    terms.forEach(function (t) {
      select.appendChild(el("option", { value: t.id, text: t.label }));
    });
    return {
      field: el("div", { className: "ww-field" }, [el("label", { for: id, text: label }), select]),
      select: select
    };
  }

  function validTerm(facet, value) {
    return facet && value && facet.byId.has(value) ? value : "";
  }

  function themeColours(node) {
    var style = window.getComputedStyle(node || document.body);
    var fg = style.color || "rgb(0, 0, 0)";
    var m = fg.match(/[\d.]+/g) || ["0", "0", "0"];
    var rgb = m.slice(0, 3).join(", ");
    return {
      fg: "rgb(" + rgb + ")",
      grid: "rgba(" + rgb + ", 0.18)",
      line: "rgba(" + rgb + ", 0.55)",
      font: style.fontFamily || "sans-serif"
    };
  }

  /* ------------------------------------------------------ page lifecycle */

  var cleanups = [];
  var redrawers = [];

  function teardown() {
    cleanups.splice(0).forEach(function (fn) {
      try { fn(); } catch (e) { /* the old page is gone already */ }
    });
    redrawers = [];
  }

  function onPage() {
    teardown();
    var scope = document;
    scope.querySelectorAll("[data-ww-table]").forEach(initTable);
    scope.querySelectorAll("[data-ww-map]").forEach(initMap);
    scope.querySelectorAll("[data-ww-plotly]").forEach(initFigure);
    focusableScrollers();
    var onResize = debounce(focusableScrollers, 200);
    window.addEventListener("resize", onResize);
    cleanups.push(function () {
      onResize.cancel();
      window.removeEventListener("resize", onResize);
    });
  }

  /* Material wraps Markdown tables in a scrolling box; on a phone a keyboard
     user must be able to focus it to scroll it (WCAG 2.1.1). */
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
        box.setAttribute("data-ww-scroll", "");
      } else if (!scrolls && box.hasAttribute("data-ww-scroll")) {
        ["tabindex", "role", "aria-label", "data-ww-scroll"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }

  NS.init = onPage;

  /* Material changes data-md-color-scheme on <body> when the palette toggles. */
  new MutationObserver(function () {
    redrawers.forEach(function (fn) { fn(); });
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  function setState(root, value) {
    root.setAttribute("data-ww-state", value);
  }

  /* ------------------------------------------------------ evidence table */

  var TABLE_FACETS = ["approach", "objectives", "populations", "settings", "themes", "effect", "confidence"];
  var LIST_FACETS = { objectives: true, populations: true, settings: true, themes: true };
  /** Columns in the order of the static table's headers. */
  var COLUMNS = [
    { key: "title", title: "Finding" },
    { key: "approach", title: "Approach" },
    { key: "objectives", title: "Objectives" },
    { key: "effect", title: "Effect" },
    { key: "populations", title: "For whom" },
    { key: "settings", title: "Settings" },
    { key: "themes", title: "Themes" },
    { key: "confidence", title: "Confidence" },
    { key: "sources", title: "Sources" }
  ];
  /* Free text is `search`, not `q`: Material opens its own search dialog for ?q=. */
  var TABLE_KEYS = TABLE_FACETS.concat(["search", "sort", "dir"]);

  function textFormatter(cell) {
    return document.createTextNode(str(cell.getValue()));
  }

  function titleFormatter(cell) {
    return document.createTextNode(str(cell.getValue()));
  }

  function badgeFormatter(facetName) {
    return function (cell) {
      var row = cell.getRow().getData();
      var id = row[facetName];
      var span = el("span", { className: "ww-badge", text: str(cell.getValue()) });
      if (facetName === "confidence") span.className += " ww-conf";
      if (/^[a-z0-9-]+$/.test(id)) span.className += (facetName === "confidence" ? " ww-conf--" : " ww-badge--") + id;
      return span;
    };
  }

  function findingFormatter(cell) {
    var row = cell.getRow().getData();
    var href = safeHref(row.url);
    if (!href) return document.createTextNode(row.title);
    return el("a", { href: href, text: row.title });
  }

  /* The columns that do not fit, under the row. The wrapper is a gridcell:
     a role="row" may own cells only. */
  function collapseFormatter(items) {
    if (!items.length) return "";
    var dl = el("dl", { className: "ww-collapse" });
    var cell = el("div", { role: "gridcell", className: "ww-collapse__cell" }, [dl]);
    items.forEach(function (item) {
      dl.appendChild(el("dt", { text: str(item.title) }));
      var dd = el("dd");
      if (item.value instanceof Node) dd.appendChild(item.value);
      else dd.textContent = str(item.value);
      dl.appendChild(dd);
    });
    return cell;
  }

  /** Spreadsheets run cells that start with = + - @ as formulas. */
  function csvSafe(value) {
    var s = str(value);
    return /^[=+\-@\t\r]/.test(s) ? "'" + s : s;
  }

  function initTable(root) {
    if (root.hasAttribute("data-ww-state")) return;
    var data = readJSON(dataNode(root, "#ww-table-data"));
    if (!data || !Array.isArray(data.rows)) {
      setState(root, "failed"); /* the static table stays */
      return;
    }
    setState(root, "loading");
    ensureTabulator().then(function () {
      if (!root.isConnected) return;
      buildTable(root, data);
    }).catch(function (err) {
      setState(root, "failed");
      console.warn("whatworks: the interactive table is unavailable; showing the plain table.", err);
    });
  }

  function buildTable(root, data) {
    var facets = facetLabels(data.facets);
    var staticTable = root.querySelector("table");
    var countEl = root.querySelector(".ww-table__count") ||
      el("p", { className: "ww-table__count", "aria-live": "polite" });
    var collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

    /* Column titles come from the static table, so the renderer owns them. */
    var headers = staticTable ? Array.prototype.map.call(staticTable.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    }) : [];
    var columns = COLUMNS.map(function (c, i) {
      return { key: c.key, title: headers[i] || c.title };
    });

    var rows = data.rows.map(function (r, i) {
      var row = {
        id: str(r.id), url: str(r.url), title: str(r.title), statement: str(r.statement), order: i
      };
      var hay = [row.title, row.statement];
      TABLE_FACETS.forEach(function (name) {
        var facet = facets[name];
        if (LIST_FACETS[name]) {
          var ids = list(r[name]);
          row[name] = ids;
          row[name + "_label"] = ids.map(function (id) { return labelOf(facet, id); }).join("; ");
        } else {
          row[name] = str(r[name]);
          row[name + "_label"] = labelOf(facet, row[name]);
        }
        hay.push(row[name + "_label"]);
      });
      row.sources = list(r.sources);
      row.sources_label = row.sources.join("; ");
      hay.push(row.sources_label);
      row.hay = hay.join("\n").toLowerCase();
      return row;
    });
    var total = rows.length;

    function rank(name) {
      var facet = facets[name];
      var n = facet ? facet.terms.length : 0;
      return function (a, b, aRow, bRow) {
        var ta = facet && facet.byId.get(aRow.getData()[name]);
        var tb = facet && facet.byId.get(bRow.getData()[name]);
        /* Confidence terms run high -> very low; "ascending" means low first. */
        var ra = ta ? (name === "confidence" ? n - ta.rank : ta.rank) : -1;
        var rb = tb ? (name === "confidence" ? n - tb.rank : tb.rank) : -1;
        return ra - rb;
      };
    }

    function textSorter(a, b) {
      return collator.compare(str(a), str(b));
    }

    var PRIORITY = { title: 0, effect: 1, confidence: 2, approach: 3, objectives: 4, populations: 5, settings: 6, themes: 7, sources: 8 };
    var tabColumns = columns.map(function (c) {
      var def = {
        title: c.title,
        field: c.key === "title" ? "title" : c.key + "_label",
        titleFormatter: titleFormatter,
        formatter: textFormatter,
        sorter: textSorter,
        responsive: PRIORITY[c.key],
        minWidth: 110,
        widthGrow: 1,
        headerWordWrap: true,
        accessorDownload: csvSafe
      };
      if (c.key === "title") {
        def.formatter = findingFormatter;
        def.minWidth = 200;
        def.widthGrow = 3;
      }
      if (c.key === "effect" || c.key === "confidence") {
        def.formatter = badgeFormatter(c.key);
        def.sorter = rank(c.key);
        if (c.key === "confidence") {
          def.headerSortStartingDir = "desc";
          def.minWidth = 125;
        }
      }
      if (c.key === "approach" || c.key === "objectives") def.widthGrow = 1.5;
      return def;
    });
    /* Download-only columns: the finding's id, statement and page. */
    tabColumns.splice(1, 0,
      { title: "Statement", field: "statement", visible: false, download: true, accessorDownload: csvSafe, formatter: textFormatter, titleFormatter: titleFormatter });
    tabColumns.unshift(
      { title: "ID", field: "id", visible: false, download: true, accessorDownload: csvSafe, formatter: textFormatter, titleFormatter: titleFormatter });
    tabColumns.push(
      { title: "URL", field: "url", visible: false, download: true, formatter: textFormatter, titleFormatter: titleFormatter,
        accessorDownload: function (value) { return csvSafe(new URL(str(value), window.location.href).href); } });

    var sortKeys = columns.map(function (c) { return c.key; });
    function fieldOf(key) { return key === "title" ? "title" : key + "_label"; }
    function keyOf(field) { return field === "title" ? "title" : field.replace(/_label$/, ""); }

    /* ---- state, from the URL */
    var state = readState();
    function readState() {
      var p = new URLSearchParams(window.location.search);
      var s = {};
      TABLE_FACETS.forEach(function (name) { s[name] = validTerm(facets[name], p.get(name)); });
      s.search = str(p.get("search")).slice(0, 200);
      s.sort = sortKeys.indexOf(p.get("sort")) >= 0 ? p.get("sort") : "";
      s.dir = s.sort ? (p.get("dir") === "desc" ? "desc" : "asc") : "";
      return s;
    }

    var terms = [];
    function setTerms() {
      terms = state.search.toLowerCase().split(/\s+/).filter(Boolean);
    }
    setTerms();

    function matches(row) {
      for (var i = 0; i < TABLE_FACETS.length; i++) {
        var name = TABLE_FACETS[i], want = state[name];
        if (!want) continue;
        if (LIST_FACETS[name] ? row[name].indexOf(want) < 0 : row[name] !== want) return false;
      }
      for (var j = 0; j < terms.length; j++) {
        if (row.hay.indexOf(terms[j]) < 0) return false;
      }
      return true;
    }

    /* ---- controls */
    var form = el("form", { className: "ww-filters", role: "search", "aria-label": "Filter the findings" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var qInput = el("input", { type: "search", id: "ww-table-search", name: "search", autocomplete: "off",
      "aria-describedby": "ww-table-search-hint" });
    form.appendChild(el("div", { className: "ww-field ww-field--search" }, [
      el("label", { for: "ww-table-search", text: "Search the findings" }),
      qInput,
      el("span", { id: "ww-table-search-hint", className: "ww-hint", text: "Words in the title, the statement or any label." })
    ]));
    var grid = el("div", { className: "ww-filters__grid" });
    var selects = {};
    TABLE_FACETS.forEach(function (name) {
      var facet = facets[name];
      if (!facet) return;
      var f = facetSelect("ww-table-" + name, name, facet.label, facet.terms);
      selects[name] = f.select;
      grid.appendChild(f.field);
    });
    var sortSelect = el("select", { id: "ww-table-sort", name: "sort" });
    sortSelect.appendChild(el("option", { value: "", text: "As listed" }));
    columns.forEach(function (c) {
      var asc = "A to Z", desc = "Z to A";
      var facet = facets[c.key];
      if (facet && (c.key === "effect" || c.key === "confidence") && facet.terms.length) {
        var first = facet.terms[0].label, last = facet.terms[facet.terms.length - 1].label;
        if (c.key === "confidence") { asc = last + " first"; desc = first + " first"; }
        else { asc = first + " first"; desc = last + " first"; }
      }
      sortSelect.appendChild(el("option", { value: c.key + ":asc", text: c.title + ": " + asc }));
      sortSelect.appendChild(el("option", { value: c.key + ":desc", text: c.title + ": " + desc }));
    });
    grid.appendChild(el("div", { className: "ww-field" }, [el("label", { for: "ww-table-sort", text: "Sort by" }), sortSelect]));
    form.appendChild(grid);

    var clearBtn = el("button", { type: "button", className: "md-button", text: "Clear filters" });
    var csvBtn = el("button", { type: "button", className: "md-button md-button--primary", text: "Download these rows (CSV)" });
    form.appendChild(el("div", { className: "ww-filters__actions" }, [clearBtn, csvBtn]));

    var holder = el("div", { className: "ww-table__grid", id: "ww-table-grid" });
    /* The page buttons live outside the grid: role="grid" may hold rows only. */
    var pager = el("nav", { className: "ww-table__pager", id: "ww-table-pager", "aria-label": "Pages of findings" });

    function syncControls() {
      TABLE_FACETS.forEach(function (name) { if (selects[name]) selects[name].value = state[name]; });
      qInput.value = state.search;
      sortSelect.value = state.sort ? state.sort + ":" + state.dir : "";
    }

    function updateCount(n) {
      countEl.textContent = n + " of " + total + (total === 1 ? " finding" : " findings");
    }

    /* The URL is written just after the table redraws: replaceState costs
       several milliseconds, which a reader waiting for the rows should not pay. */
    var savePending = false;
    function saveState() {
      if (savePending) return;
      savePending = true;
      setTimeout(function () {
        savePending = false;
        if (root.isConnected) writeQuery(TABLE_KEYS, state);
      }, 0);
    }

    /* ---- the table */
    var built = false;
    var table = new window.Tabulator(holder, {
      data: rows,
      index: "id",
      layout: "fitColumns",
      responsiveLayout: "collapse",
      responsiveLayoutCollapseStartOpen: true,
      responsiveLayoutCollapseFormatter: collapseFormatter,
      pagination: true,
      paginationSize: 20,
      paginationSizeSelector: [20, 50, 100],
      paginationElement: pager,
      paginationButtonCount: 3,
      columns: tabColumns,
      columnDefaults: { resizable: false },
      initialSort: state.sort ? [{ column: fieldOf(state.sort), dir: state.dir }] : [],
      headerSortTristate: false,
      movableColumns: false,
      placeholder: "No findings match these filters.",
      downloadRowRange: "active",
      downloadConfig: { columnHeaders: true, columnGroups: false, rowGroups: false, columnCalcs: false, dataTree: false },
      locale: "en",
      langs: {
        en: {
          pagination: {
            page_size: "Findings per page",
            page_title: "Show page",
            first: "First", first_title: "First page",
            last: "Last", last_title: "Last page",
            prev: "Previous", prev_title: "Previous page",
            next: "Next", next_title: "Next page",
            all: "All"
          }
        }
      }
    });

    table.on("tableBuilt", function () {
      built = true;
      table.setFilter(matches);
      if (staticTable) (staticTable.closest(".ww-static-table-wrap") || staticTable).hidden = true;
      /* Rows collapse instead of scrolling sideways, so the holder needs no tab stop. */
      var tableHolder = holder.querySelector(".tabulator-tableholder");
      if (tableHolder) tableHolder.removeAttribute("tabindex");
      makeHeadersKeyboardSortable();
      labelPageSize();
      setState(root, "ready");
    });
    table.on("dataFiltered", function (filters, filteredRows) {
      updateCount(filteredRows.length);
    });
    table.on("dataSorted", function (sorters) {
      if (!built) return;
      var s = sorters[0];
      var key = s ? keyOf(s.field) : "";
      var sort = sortKeys.indexOf(key) >= 0 ? key : "";
      var dir = sort ? s.dir : "";
      if (sort === state.sort && dir === state.dir) return;
      state.sort = sort;
      state.dir = dir;
      sortSelect.value = state.sort ? state.sort + ":" + state.dir : "";
      saveState();
    });
    table.on("renderComplete", labelPageSize);

    /* Tabulator sorts on header click only; let Enter and Space do it too. */
    function makeHeadersKeyboardSortable() {
      table.getColumns().forEach(function (col) {
        var h = col.getElement();
        if (!h.classList.contains("tabulator-sortable")) return;
        h.setAttribute("tabindex", "0");
        h.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            h.click();
          }
        });
      });
    }

    /* Tabulator's page-size <label> is not tied to its <select>. */
    function labelPageSize() {
      var sel = pager.querySelector(".tabulator-page-size");
      if (sel && !sel.id) {
        sel.id = "ww-table-page-size";
        var lab = sel.previousElementSibling;
        if (lab && lab.tagName === "LABEL") lab.setAttribute("for", sel.id);
        else sel.setAttribute("aria-label", "Findings per page");
      }
    }

    function refilter() {
      if (built) table.refreshFilter();
      saveState();
    }

    var typed = debounce(function () {
      state.search = qInput.value.slice(0, 200);
      setTerms();
      refilter();
    }, 200);
    qInput.addEventListener("input", typed);
    qInput.addEventListener("keydown", function (e) { if (e.key === "Enter") typed.flush(); });
    TABLE_FACETS.forEach(function (name) {
      if (!selects[name]) return;
      selects[name].addEventListener("change", function () {
        state[name] = selects[name].value;
        refilter();
      });
    });
    sortSelect.addEventListener("change", function () {
      var v = sortSelect.value.split(":");
      state.sort = v[0] || "";
      state.dir = state.sort ? v[1] : "";
      if (state.sort) table.setSort(fieldOf(state.sort), state.dir);
      else table.clearSort();
      saveState();
    });
    clearBtn.addEventListener("click", function () {
      typed.cancel();
      TABLE_FACETS.forEach(function (name) { state[name] = ""; });
      state.search = "";
      setTerms();
      syncControls();
      refilter();
    });
    csvBtn.addEventListener("click", function () {
      table.download("csv", "findings.csv", { bom: true }, "active");
    });

    syncControls();
    updateCount(rows.filter(matches).length);
    /* Controls, then the count, then the grid, where the static table was. */
    var anchor = staticTable ? (staticTable.closest(".ww-static-table-wrap") || staticTable) : null;
    if (countEl.parentNode) countEl.parentNode.insertBefore(form, countEl);
    else {
      root.insertBefore(form, anchor || null);
      root.insertBefore(countEl, anchor || null);
    }
    var after = anchor || countEl.nextSibling;
    countEl.parentNode.insertBefore(holder, after);
    countEl.parentNode.insertBefore(pager, after);
    saveState();

    NS.table = table;
    cleanups.push(function () {
      typed.cancel();
      table.destroy();
      if (NS.table === table) NS.table = null;
    });
  }

  /* -------------------------------------------------------- evidence map */

  var MAP_FACETS = ["populations", "settings", "effect", "confidence"];
  var MAP_KEYS = MAP_FACETS.concat(["colour"]);

  /* ColorBrewer PuOr-like, colour-blind safe: orange = challenge, blue = benefit. */
  var BALANCE_BINS = [
    { max: -0.6, colour: "#b35806", label: "All or mostly challenges" },
    { max: -0.2, colour: "#f1a340", label: "More challenges" },
    { max: 0.2, colour: "#c9c9c9", label: "Balanced or mixed" },
    { max: 0.6, colour: "#67a9cf", label: "More benefits" },
    { max: Infinity, colour: "#2166ac", label: "All or mostly benefits" }
  ];
  /* Sequential blues, from the highest confidence (first term) down: the most
     confident stands out most from the page, so the ramp turns round in dark mode. */
  var CONFIDENCE_LIGHT = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#e8eef5"];
  var CONFIDENCE_DARK = ["#eff6ff", "#9ecae1", "#4292c6", "#2a5b8c", "#27415e"];

  function confidenceColours() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? CONFIDENCE_DARK : CONFIDENCE_LIGHT;
  }

  function textColourOn(hex) {
    var n = parseInt(hex.slice(1), 16);
    var rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    return lum > 0.25 ? "#000000" : "#ffffff";
  }

  /**
   * The map's findings arrive as rows of term positions (see MAP_FINDING_FIELDS in
   * render.py): [approach, [objectives], effect, confidence, [populations], [settings]],
   * each a position in the matching term list. Unknown positions are dropped.
   */
  function decodeFindings(data, approaches, objectives, facets) {
    var lists = {
      approach: approaches, objectives: objectives,
      effect: facets.effect ? facets.effect.terms : [], confidence: facets.confidence ? facets.confidence.terms : [],
      populations: facets.populations ? facets.populations.terms : [], settings: facets.settings ? facets.settings.terms : []
    };
    var fields = Array.isArray(data.finding_fields) ? data.finding_fields.map(str) : [];
    function idAt(name, i) {
      var t = (lists[name] || [])[i];
      return t ? t.id : "";
    }
    function idsAt(name, v) {
      return (Array.isArray(v) ? v : []).map(function (i) { return idAt(name, i); }).filter(Boolean);
    }
    return (Array.isArray(data.findings) ? data.findings : []).map(function (row) {
      var f = {};
      fields.forEach(function (name, i) {
        var v = Array.isArray(row) ? row[i] : undefined;
        f[name] = (name === "objectives" || name === "populations" || name === "settings") ? idsAt(name, v) : idAt(name, v);
      });
      return {
        approach: f.approach || "", objectives: f.objectives || [], effect: f.effect || "",
        confidence: f.confidence || "", populations: f.populations || [], settings: f.settings || []
      };
    });
  }

  function initMap(root) {
    if (root.hasAttribute("data-ww-state")) return;
    var data = readJSON(dataNode(root, "#ww-map-data"));
    if (!data) {
      setState(root, "failed");
      return;
    }
    setState(root, "loading");

    var facets = facetLabels(data.facets);
    var approaches = (data.approaches || []).map(function (t) { return { id: str(t.id), label: str(t.label) || str(t.id) }; });
    var objectives = (data.objectives || []).map(function (t) { return { id: str(t.id), label: str(t.label) || str(t.id) }; });
    var findings = decodeFindings(data, approaches, objectives, facets);
    var tableUrl = safeHref(data.table_url) || "../evidence/";
    var chartEl = root.querySelector("#ww-map-chart") || root.querySelector(".ww-map__chart");
    var htmlTable = root.querySelector(".ww-map-table");
    var confFacet = facets.confidence;

    var state = readState();
    function readState() {
      var p = new URLSearchParams(window.location.search);
      var s = {};
      MAP_FACETS.forEach(function (name) { s[name] = validTerm(facets[name], p.get(name)); });
      s.colour = p.get("colour") === "confidence" ? "confidence" : "";
      return s;
    }

    /* ---- controls */
    var form = el("form", { className: "ww-filters ww-filters--map", "aria-label": "Filter the evidence map" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var grid = el("div", { className: "ww-filters__grid" });
    var selects = {};
    MAP_FACETS.forEach(function (name) {
      var facet = facets[name];
      if (!facet) return;
      var f = facetSelect("ww-map-" + name, name, facet.label, facet.terms);
      selects[name] = f.select;
      grid.appendChild(f.field);
    });
    form.appendChild(grid);
    var radios = {};
    var fieldset = el("fieldset", { className: "ww-toggle" }, [el("legend", { text: "Colour the cells by" })]);
    [["balance", "Balance of benefits and challenges"], ["confidence", "Highest confidence in the cell"]].forEach(function (opt) {
      var id = "ww-map-colour-" + opt[0];
      radios[opt[0]] = el("input", { type: "radio", name: "colour", id: id, value: opt[0] });
      fieldset.appendChild(el("span", { className: "ww-toggle__option" }, [radios[opt[0]], el("label", { for: id, text: opt[1] })]));
    });
    form.appendChild(fieldset);
    var clearBtn = el("button", { type: "button", className: "md-button", text: "Clear filters" });
    form.appendChild(el("div", { className: "ww-filters__actions" }, [clearBtn]));
    var countEl = el("p", { className: "ww-map__count", "aria-live": "polite" });
    var legend = el("div", { className: "ww-map__legend", id: "ww-map-legend" });
    var scrollHint = el("p", { className: "ww-hint ww-map__scroll-hint", hidden: true,
      text: "The chart is wider than the screen: scroll it sideways to see every objective." });

    var scroller = el("div", { className: "ww-map__scroll", tabindex: "0", role: "group",
      "aria-label": "Evidence map chart; scroll sideways on small screens" });
    /* Controls, the count, the chart (in a sideways scroller), its legend. */
    var place = chartEl || htmlTable && (htmlTable.closest(".ww-map-table-wrap") || htmlTable);
    if (place) place.parentNode.insertBefore(scroller, place);
    else root.appendChild(scroller);
    if (chartEl) scroller.appendChild(chartEl);
    scroller.parentNode.insertBefore(form, scroller);
    scroller.parentNode.insertBefore(countEl, scroller);
    scroller.parentNode.insertBefore(scrollHint, scroller);
    scroller.parentNode.insertBefore(legend, scroller.nextSibling);

    function syncControls() {
      MAP_FACETS.forEach(function (name) { if (selects[name]) selects[name].value = state[name]; });
      radios[state.colour || "balance"].checked = true;
    }

    function matches(f) {
      if (state.populations && f.populations.indexOf(state.populations) < 0) return false;
      if (state.settings && f.settings.indexOf(state.settings) < 0) return false;
      if (state.effect && f.effect !== state.effect) return false;
      if (state.confidence && f.confidence !== state.confidence) return false;
      return true;
    }

    function key(a, o) { return a + "\u0000" + o; }

    function recount() {
      var cells = new Map(), shown = 0;
      findings.forEach(function (f) {
        if (!matches(f)) return;
        shown += 1;
        f.objectives.forEach(function (o) {
          var k = key(f.approach, o);
          var c = cells.get(k);
          if (!c) {
            c = { n: 0, effect: {}, best: Infinity };
            cells.set(k, c);
          }
          c.n += 1;
          c.effect[f.effect] = (c.effect[f.effect] || 0) + 1;
          var t = confFacet && confFacet.byId.get(f.confidence);
          if (t && t.rank < c.best) c.best = t.rank;
        });
      });
      return { cells: cells, shown: shown };
    }

    /** The evidence-table URL for one cell, with the active filters. */
    function cellUrl(approach, objective) {
      var p = new URLSearchParams();
      p.set("approach", approach);
      p.set("objectives", objective);
      MAP_FACETS.forEach(function (name) { if (state[name]) p.set(name, state[name]); });
      return tableUrl + (tableUrl.indexOf("?") >= 0 ? "&" : "?") + p.toString();
    }

    function effectWords(c) {
      var parts = [];
      var effect = facets.effect;
      var ids = effect ? effect.terms.map(function (t) { return t.id; }) : Object.keys(c.effect);
      Object.keys(c.effect).forEach(function (id) { if (ids.indexOf(id) < 0) ids.push(id); });
      ids.forEach(function (id) {
        if (c.effect[id]) parts.push(c.effect[id] + " " + labelOf(effect, id).toLowerCase());
      });
      return parts.join(", ");
    }

    function colourOf(c) {
      if (state.colour === "confidence") {
        var ramp = confidenceColours();
        return c.best === Infinity ? "#9e9e9e" : ramp[Math.min(c.best, ramp.length - 1)];
      }
      var b = c.effect.benefit || 0, ch = c.effect.challenge || 0;
      var v = (b - ch) / c.n;
      for (var i = 0; i < BALANCE_BINS.length; i++) if (v <= BALANCE_BINS[i].max) return BALANCE_BINS[i].colour;
      return BALANCE_BINS[BALANCE_BINS.length - 1].colour;
    }

    function drawLegend() {
      legend.textContent = "";
      var items;
      if (state.colour === "confidence") {
        var ramp = confidenceColours();
        items = (confFacet ? confFacet.terms : []).map(function (t, i) {
          return { colour: ramp[Math.min(i, ramp.length - 1)], label: t.label };
        });
        legend.appendChild(el("p", { className: "ww-map__legend-title", text: "Colour: the highest confidence among the cell's findings" }));
      } else {
        items = BALANCE_BINS;
        legend.appendChild(el("p", { className: "ww-map__legend-title", text: "Colour: benefit and challenge findings in the cell" }));
      }
      var ul = el("ul", { className: "ww-map__legend-items" });
      items.forEach(function (it) {
        ul.appendChild(el("li", null, [
          el("span", { className: "ww-swatch", style: "background-color:" + it.colour, "aria-hidden": "true" }),
          str(it.label)
        ]));
      });
      legend.appendChild(ul);
      legend.appendChild(el("p", { className: "ww-hint", text: "Size: the number of findings. An empty cell means no findings yet. Select a cell to list its findings." }));
    }

    var approachLabel = new Map(approaches.map(function (a) { return [a.id, a.label]; }));
    var objectiveLabel = new Map(objectives.map(function (o) { return [o.id, o.label]; }));

    function updateHtmlTable(cells) {
      if (!htmlTable) return;
      htmlTable.querySelectorAll("td[data-approach][data-objective]").forEach(function (td) {
        var a = td.getAttribute("data-approach"), o = td.getAttribute("data-objective");
        var c = cells.get(key(a, o));
        td.textContent = "";
        if (c && c.n) {
          td.appendChild(el("a", {
            href: cellUrl(a, o),
            "aria-label": c.n + (c.n === 1 ? " finding: " : " findings: ") +
              (approachLabel.get(a) || a) + " for " + (objectiveLabel.get(o) || o),
            text: String(c.n)
          }));
        } else {
          td.appendChild(el("span", { className: "ww-map-table__zero" }, [
            el("span", { "aria-hidden": "true", text: "\u00b7" }),
            el("span", { className: "ww-visually-hidden", text: "no findings" })
          ]));
        }
      });
    }

    /** Chart geometry: columns fit the box when they can, else the box scrolls. */
    function geometry() {
      var box = Math.floor(scroller.clientWidth || 0);
      var narrow = box < 600;
      var yWrap = narrow ? 18 : 26;
      var yLines = approaches.map(function (a) { return wrapLabel(a.label, yWrap).split("<br>").length; });
      var yLen = approaches.reduce(function (m, a) { return Math.max(m, Math.min(a.label.length, yWrap)); }, 4);
      var left = Math.round(16 + yLen * 6.5);
      var wide = narrow ? 64 : 84;
      var fit = (box - left - 24) / Math.max(1, objectives.length);
      /* Many objectives: slanted single-line labels in narrower columns. */
      var slant = fit < wide;
      var cellW = slant ? Math.max(narrow ? 34 : 38, Math.min(wide, Math.floor(fit))) : wide;
      var xWrap = narrow ? 10 : 13;
      var xText = objectives.map(function (o) { return slant ? plotlyText(o.label) : wrapLabel(o.label, xWrap); });
      var bottom = slant
        ? 30 + Math.round(0.82 * 6.5 * objectives.reduce(function (m, o) { return Math.max(m, o.label.length); }, 4))
        : 24 + 15 * Math.max.apply(null, objectives.map(function (o) { return wrapLabel(o.label, xWrap).split("<br>").length; }).concat([1]));
      var cellH = Math.max(46, 8 + 15 * Math.max.apply(null, yLines.concat([1])));
      var dMax = Math.min(40, cellW - 6);
      return {
        left: left, bottom: bottom, slant: slant, xText: xText, yWrap: yWrap,
        width: Math.max(left + 24 + objectives.length * cellW, box),
        height: 24 + bottom + approaches.length * cellH,
        dMin: Math.min(18, dMax), dMax: dMax,
        overflows: left + 24 + objectives.length * cellW > box
      };
    }

    function figure(cells) {
      var colours = themeColours(root);
      var g = geometry();
      var gx = [], gy = [], x = [], y = [], size = [], colour = [], text = [], hover = [], custom = [], textColour = [];
      var maxN = 1;
      cells.forEach(function (c) { if (c.n > maxN) maxN = c.n; });
      approaches.forEach(function (a) {
        objectives.forEach(function (o) {
          gx.push(o.id);
          gy.push(a.id);
          var c = cells.get(key(a.id, o.id));
          if (!c || !c.n) return;
          x.push(o.id);
          y.push(a.id);
          size.push(g.dMin + (g.dMax - g.dMin) * Math.sqrt(c.n / maxN));
          var fill = colourOf(c);
          colour.push(fill);
          textColour.push(textColourOn(fill));
          text.push(String(c.n));
          var words = a.label + " \u00d7 " + o.label + ": " + c.n + (c.n === 1 ? " finding" : " findings") +
            " \u2014 " + effectWords(c);
          if (state.colour === "confidence" && c.best !== Infinity) {
            words += "; highest confidence: " + confFacet.terms[c.best].label.toLowerCase();
          }
          hover.push(plotlyText(words));
          custom.push([a.id, o.id]);
        });
      });
      scrollHint.hidden = !g.overflows;
      var left = g.left, bottom = g.bottom, width = g.width, height = g.height;
      var axis = {
        type: "category", fixedrange: true, showgrid: true, gridcolor: colours.grid, zeroline: false,
        linecolor: colours.grid, tickfont: { color: colours.fg, size: 12 }, automargin: false, ticks: ""
      };
      return {
        data: [
          { type: "scatter", mode: "markers", x: gx, y: gy, hoverinfo: "skip", showlegend: false,
            marker: { size: 1, opacity: 0 } },
          { type: "scatter", mode: "markers+text", x: x, y: y, text: text, customdata: custom,
            hovertext: hover, hovertemplate: "%{hovertext}<extra></extra>", showlegend: false,
            textfont: { color: textColour, size: 12 },
            marker: { size: size, sizemode: "diameter", color: colour, opacity: 1,
              line: { width: 1, color: colours.line } } }
        ],
        layout: {
          width: width, height: height,
          margin: { l: left, r: 24, t: 24, b: bottom, pad: 4 },
          paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: colours.fg, family: colours.font },
          hoverlabel: { align: "left" },
          dragmode: false, showlegend: false,
          xaxis: Object.assign({}, axis, {
            side: "bottom", tickmode: "array", tickvals: objectives.map(function (o) { return o.id; }),
            ticktext: g.xText, tickangle: g.slant ? -55 : 0,
            categoryorder: "array", categoryarray: objectives.map(function (o) { return o.id; }),
            range: [-0.5, objectives.length - 0.5]
          }),
          yaxis: Object.assign({}, axis, {
            tickmode: "array", tickvals: approaches.map(function (a) { return a.id; }),
            ticktext: approaches.map(function (a) { return wrapLabel(a.label, g.yWrap); }),
            categoryorder: "array", categoryarray: approaches.map(function (a) { return a.id; }),
            range: [approaches.length - 0.5, -0.5]
          })
        },
        config: { displayModeBar: false, responsive: false, scrollZoom: false, doubleClick: false }
      };
    }

    var drawn = false;
    function render() {
      var counted = recount();
      countEl.textContent = "Showing " + counted.shown + " of " + findings.length +
        (findings.length === 1 ? " finding" : " findings") + " in the map.";
      updateHtmlTable(counted.cells);
      drawLegend();
      if (!chartEl || !window.Plotly) return;
      var fig = figure(counted.cells);
      window.Plotly.react(chartEl, fig.data, fig.layout, fig.config);
      if (!drawn) {
        drawn = true;
        chartEl.on("plotly_click", onClick);
      }
    }

    function onClick(ev) {
      var p = ev && ev.points && ev.points[0];
      if (!p || p.curveNumber !== 1 || !p.customdata) return;
      NS.navigate(cellUrl(p.customdata[0], p.customdata[1]));
    }

    function changed() {
      writeQuery(MAP_KEYS, state);
      render();
    }

    MAP_FACETS.forEach(function (name) {
      if (!selects[name]) return;
      selects[name].addEventListener("change", function () {
        state[name] = selects[name].value;
        changed();
      });
    });
    Object.keys(radios).forEach(function (k) {
      radios[k].addEventListener("change", function () {
        if (!radios[k].checked) return;
        state.colour = k === "confidence" ? "confidence" : "";
        changed();
      });
    });
    clearBtn.addEventListener("click", function () {
      MAP_FACETS.forEach(function (name) { state[name] = ""; });
      syncControls();
      changed();
    });

    syncControls();
    writeQuery(MAP_KEYS, state);
    render();
    NS.map = { cellUrl: cellUrl, state: state };

    if (chartEl) {
      ensurePlotly().then(function () {
        if (!root.isConnected) return;
        if (!drawn) render();  /* plotly.js was not loaded yet when render() first ran */
        setState(root, "ready");
      }).catch(function (err) {
        setState(root, "failed");
        chartEl.appendChild(el("p", { className: "ww-chart__error", text: "The chart could not be loaded. The table below has the same data." }));
        console.warn("whatworks: plotly.js is unavailable.", err);
      });
    } else {
      setState(root, "ready");
    }

    var onResize = debounce(render, 150);
    window.addEventListener("resize", onResize);
    redrawers.push(render);
    cleanups.push(function () {
      onResize.cancel();
      window.removeEventListener("resize", onResize);
      if (chartEl && window.Plotly) window.Plotly.purge(chartEl);
      if (NS.map && NS.map.cellUrl === cellUrl) NS.map = null;
    });
  }

  /** Go to a URL (a full page load: the table page reads its state from the URL). */
  NS.navigate = function (url) {
    window.location.assign(new URL(url, window.location.href).href);
  };

  /* ------------------------------------------------------ plotly figures */

  function themedLayout(layout, div) {
    var colours = themeColours(div.parentNode || document.body);
    var out = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({ family: colours.font }, layout.font || {}, { color: colours.fg })
    });
    var axes = Object.keys(layout).filter(function (k) { return /^[xy]axis\d*$/.test(k); });
    if (axes.indexOf("xaxis") < 0) axes.push("xaxis");
    if (axes.indexOf("yaxis") < 0) axes.push("yaxis");
    axes.forEach(function (k) {
      out[k] = Object.assign({}, layout[k] || {}, {
        gridcolor: colours.grid, linecolor: colours.grid, zerolinecolor: colours.line
      });
    });
    out.legend = Object.assign({}, layout.legend || {}, { bgcolor: "rgba(0,0,0,0)" });
    return out;
  }

  function initFigure(div) {
    if (div.hasAttribute("data-ww-state")) return;
    /* The figure is a <template> inside the chart's div, or an element
       elsewhere whose data-ww-plotly-for names the div. */
    var source = div.querySelector(":scope > template");
    if (!source) {
      document.querySelectorAll("[data-ww-plotly-for]").forEach(function (s) {
        if (s.getAttribute("data-ww-plotly-for") === div.id) source = s;
      });
    }
    if (!source && div.nextElementSibling && div.nextElementSibling.matches("script:not([src])")) {
      source = div.nextElementSibling; /* a JSON script stripped of its attributes by Material */
    }
    var fig = readJSON(source);
    if (!fig) return;
    if (source.parentNode === div) div.removeChild(source);
    setState(div, "loading");
    var data = Array.isArray(fig.data) ? fig.data : [];
    var layout = fig.layout || {};
    /* No mode bar: its zoom and pan tools puzzle more readers than they help,
       and its buttons would be focusable inside a role="img" container. */
    function draw() {
      return window.Plotly.newPlot(div, data, themedLayout(layout, div),
        { responsive: true, displaylogo: false, displayModeBar: false });
    }
    ensurePlotly().then(function () {
      if (!div.isConnected) return;
      return Promise.resolve(draw()).then(function () {
        setState(div, "ready");
        redrawers.push(draw);
      });
    }).catch(function (err) {
      setState(div, "failed");
      div.appendChild(el("p", { className: "ww-chart__error", text: "The chart could not be loaded. The table on this page has the same data." }));
      console.warn("whatworks: plotly.js is unavailable.", err);
    });
    cleanups.push(function () {
      if (window.Plotly) window.Plotly.purge(div);
    });
  }

  /* ------------------------------------------------------------- start */

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
