/* govkg's query page: YASGUI against this server's /sparql, every remote default turned off.
   Server values come in data-settings and data-messages on #query-editor (no inline script). */
(function () {
  "use strict";
  var root = document.getElementById("query-editor");
  if (!root || !window.Yasgui) return;
  var settings = JSON.parse(root.dataset.settings);
  var messages = JSON.parse(root.dataset.messages);
  var Yasgui = window.Yasgui, Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var sparql = new URL(settings.endpoint, location.href).href;
  var inferBox = document.getElementById("query-infer");
  var permalink = document.getElementById("query-permalink");
  var downloads = document.getElementById("query-downloads");
  // What an answer can be downloaded as, by query form: [format= value, link text, file suffix].
  var DOWNLOADS = {
    SELECT: [["csv", "CSV", "csv"], ["json", "JSON", "json"], ["tsv", "TSV", "tsv"]],
    ASK: [["json", "JSON", "json"], ["xml", "XML", "xml"]],
    CONSTRUCT: [["turtle", "Turtle", "ttl"], ["json-ld", "JSON-LD", "jsonld"]],
    DESCRIBE: [["turtle", "Turtle", "ttl"], ["json-ld", "JSON-LD", "jsonld"]]
  };
  var SAFE = /[^A-Za-z0-9/#:@!$&'()*+,;=\-._~%]/gu;

  /* The endpoint URL with the inference switch (a URL parameter: it also reaches POSTed queries). */
  function endpoint() {
    return inferBox.checked ? sparql : sparql + "?infer=false";
  }

  /* A prefixed name for an IRI under one of the namespaces (the longest; govkg's by default), else null. */
  function curie(iri, prefixes) {
    var spaces = prefixes || settings.prefixes, best = null;
    Object.keys(spaces).forEach(function (prefix) {
      var ns = spaces[prefix];
      if (iri.indexOf(ns) === 0 && iri !== ns && (best === null || ns.length > spaces[best].length)) best = prefix;
    });
    return best === null ? null : best + ":" + iri.slice(spaces[best].length);
  }

  /* Where a result links an IRI: IRIs under the base IRI to this server's pages, other http(s) IRIs as they are
     (so is one whose local part starts with "/": its link would be "//host…", another site). */
  function localHref(iri) {
    if (iri.indexOf(settings.base) === 0 && iri.charAt(settings.base.length) !== "/") {
      var rest = iri.slice(settings.base.length).replace(SAFE, encodeURIComponent);
      var cut = rest.indexOf("#") < 0 ? rest.length : rest.indexOf("#");
      var query = settings.lang ? "?lang=" + settings.lang : "";
      return settings.root + "/" + rest.slice(0, cut) + query + rest.slice(cut);
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  /* Completion lists (prefixes, classes, properties) from this server, fetched once. */
  var terms = null;
  function loadTerms() {
    if (!terms) {
      terms = fetch(settings.terms).then(function (r) {
        return r.ok ? r.json() : { classes: [], properties: [] };
      });
    }
    return terms;
  }

  function labelOf(term) {
    return term.label[document.documentElement.lang] || term.label.en || term.label.fr || "";
  }

  /* govkg's own completer for "class" or "property", in place of the one that asks the LOV service. */
  function termCompleter(name, kind) {
    return Object.assign({}, Yasqe.Autocompleters[name], {
      bulk: false,
      get: function (yasqe, token) {
        var wanted = (token && (token.autocompletionString || token.string)) || "";
        return loadTerms().then(function (found) {
          return found[kind]
            .filter(function (t) { return t.iri.indexOf(wanted) === 0 || (curie(t.iri) || "").indexOf(wanted) === 0; })
            .map(function (t) { return t.iri; });
        });
      },
      postProcessSuggestion: function (yasqe, token, iri) {
        return curie(iri) || "<" + iri + ">";
      },
      postprocessHints: function (yasqe, hints) {
        return loadTerms().then(function (found) {
          var names = {};
          found[kind].forEach(function (t) { names[curie(t.iri) || "<" + t.iri + ">"] = labelOf(t); });
          return hints.map(function (h) {
            return Object.assign(h, { displayText: names[h.text] ? h.text + " — " + names[h.text] : h.text });
          });
        });
      }
    });
  }

  /* The prefix completer: govkg's prefixes first, then YASQE's bundled list (never prefix.cc). */
  function prefixCompleter(bundled) {
    var ours = Object.keys(settings.prefixes).map(function (p) { return p + ": <" + settings.prefixes[p] + ">"; });
    var others = bundled.filter(function (line) { return !(line.split(":")[0] in settings.prefixes); });
    return Object.assign({}, Yasqe.Autocompleters.prefixes, { get: ours.concat(others).sort() });
  }

  /* The results table, with IRIs shown as prefixed names and linked to this server's pages. */
  var Table = Yasr.plugins.table;
  Object.assign(Table.defaults.tableConfig.language, messages.table);
  class LocalTable extends Table {
    constructor(yasr) {
      super(yasr);
      this.helpReference = undefined;
    }
    getUriLinkFromBinding(binding, prefixes) {
      var shown = curie(binding.value, prefixes), href = localHref(binding.value);
      var el = document.createElement(href ? "a" : "span");
      el.className = "iri";
      el.textContent = shown || "<" + binding.value + ">";
      if (href) el.href = href;
      if (shown) el.title = binding.value;
      return el.outerHTML;
    }
  }
  Yasr.registerPlugin("table", LocalTable);

  /* Repairs of YASGUI's markup, re-applied as it draws: names for its unlabelled controls and its words in the
     page's language ([selector, attribute or "text", message]), and the add-tab button moved next to (not inside)
     the tab list. */
  var WORDS = [
    [".CodeMirror textarea", "aria-label", messages.editor],
    [".tableSizer", "aria-label", messages.pageSize],
    [".pageSizerLabel", "text", messages.pageSize + " "],
    [".tableFilter", "aria-label", messages.filter],
    [".tableFilter", "placeholder", messages.filter],
    [".tableControls > div:nth-child(1) .label", "text", messages.simple],
    [".tableControls > div:nth-child(2) .label", "text", messages.ellipse],
    [".select_table > span", "text", messages.tableView],
    [".select_response > span", "text", messages.responseView],
    [".tabsRow > .addTab", "aria-label", messages.addTab],
    [".tabsRow > .addTab", "title", messages.addTab],
    [".yasqe_queryButton", "aria-label", messages.run],
    [".yasqe_queryButton", "title", messages.run],
    [".closeTab", "title", messages.closeTab],
    [".select_table", "aria-label", messages.tableLabel],
    [".select_table", "title", messages.tableView],
    [".select_response", "aria-label", messages.responseLabel],
    [".select_response", "title", messages.responseView],
    [".yasr_downloadIcon", "aria-label", messages.download],
    [".yasr_downloadIcon", "title", messages.download],
    [".tableSizer option[value='-1']", "text", messages.all],
    [".dt-paging nav", "aria-label", messages.paging]
  ];

  /* YASR's line above the results ("20 results in 0.04 seconds" in its code), in the page's language. */
  Yasr.prototype.updateResponseInfo = function () {
    var text = "", lang = document.documentElement.lang;
    this.dataElement.classList.toggle("empty", !this.results);
    if (this.results) {
      var rows = this.results.getBindings(), ms = this.results.getResponseTime();
      var count = rows && (rows.length === 1 ? messages.rowsOne : messages.rowsMany);
      if (rows) text = count.replace("{n}", rows.length.toLocaleString(lang));
      if (ms) text = (text || messages.answer) + " " + messages.time.replace("{s}", (ms / 1000).toLocaleString(lang));
    }
    this.dataElement.innerText = text;
  };

  function repair() {
    var list = root.querySelector(".tabsList"), add = list && list.querySelector(".addTab");
    if (add) {
      var row = document.createElement("div");
      row.className = "tabsRow";
      list.parentNode.insertBefore(row, list);
      row.append(list, add);
    }
    WORDS.forEach(function (item) {
      root.querySelectorAll(item[0]).forEach(function (el) {
        if (item[1] === "text") {
          if (el.textContent !== item[2]) el.textContent = item[2];
        } else if (el.getAttribute(item[1]) !== item[2]) {
          el.setAttribute(item[1], item[2]);
        }
      });
    });
  }

  function activeYasqe() {
    var tab = yasgui && yasgui.getTab();
    return tab ? tab.getYasqe() : null;
  }

  /* The permalink (query and switch in the URL) and the download links of the current query. */
  function refresh() {
    var yasqe = activeYasqe();
    if (!yasqe) return;
    var params = new URLSearchParams({ query: yasqe.getValue() });
    if (!inferBox.checked) params.set("infer", "false");
    if (settings.lang) params.set("lang", settings.lang);
    permalink.href = location.pathname + "?" + params.toString();
    var links = DOWNLOADS[yasqe.getQueryType()] || DOWNLOADS.SELECT;
    var list = downloads.querySelector("span");
    list.textContent = "";
    links.forEach(function (item) {
      var answer = new URLSearchParams({ query: yasqe.getValue(), format: item[0] });
      if (!inferBox.checked) answer.set("infer", "false");
      var a = document.createElement("a");
      a.href = sparql + "?" + answer.toString();
      a.download = "govkg-results." + item[2];
      a.textContent = item[1];
      list.append(a, " ");
    });
  }

  /* Every tab queries this server's endpoint, with the switch as it is now. */
  function applyEndpoint() {
    var url = endpoint();
    yasgui.config.requestConfig.endpoint = url;
    Object.keys(yasgui._tabs).forEach(function (id) { yasgui._tabs[id].setEndpoint(url); });
    refresh();
  }

  var fromUrl = new URLSearchParams(location.search);
  if (fromUrl.get("infer") === "false") inferBox.checked = false;
  Yasqe.registerAutocompleter(termCompleter("class", "classes"));
  Yasqe.registerAutocompleter(termCompleter("property", "properties"));
  var yasgui = null;
  Promise.resolve(Yasqe.Autocompleters.prefixes.get({ config: { prefixCcApi: null } })).then(function (bundled) {
    Yasqe.registerAutocompleter(prefixCompleter(bundled));
    yasgui = new Yasgui(root, {
      autofocus: false, // focus stays where the keyboard user is (Tab in the editor indents: Esc, then Tab, leaves it)
      persistenceId: settings.storage,
      tabName: messages.tab,
      endpointCatalogueOptions: { getData: function () { return []; }, keys: [] },
      copyEndpointOnNewTab: false,
      requestConfig: { endpoint: endpoint(), method: "POST", args: [], acceptHeaderGraph: "text/turtle" },
      yasqe: { value: settings.query, prefixCcApi: null, editorHeight: "320px" },
      yasr: { prefixes: settings.prefixes },
      populateFromUrl: function (tab) {
        // A link's own parameters (language, switch) are the page's, not arguments to send to the endpoint.
        var args = (tab.requestConfig.args || []).filter(function (a) { return a.name !== "lang" && a.name !== "infer"; });
        tab.requestConfig = Object.assign({}, tab.requestConfig, { endpoint: endpoint(), args: args });
        return tab;
      }
    });
    yasgui.config.requestConfig.args = [];
    repair();
    new MutationObserver(repair).observe(root, { childList: true, subtree: true });
    applyEndpoint();
    ["tabSelect", "tabAdd", "tabChange", "query", "queryResponse"].forEach(function (name) {
      yasgui.on(name, name === "tabAdd" ? applyEndpoint : refresh);
    });
    root.addEventListener("keyup", refresh);
    inferBox.addEventListener("change", applyEndpoint);
    downloads.hidden = false;
  });
})();
