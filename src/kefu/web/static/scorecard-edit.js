// The scorecard editor (/scorecards/edit): a form over a JSON model of the draft and the
// YAML view of the same document. The browser never parses YAML: every change goes to
// POST /api/v1/scorecards/check (debounced), which answers the issues by key path in the
// page's language, the normalised YAML and the model. The draft is kept in sessionStorage
// so that a failed save or a reload never loses what was typed.
(function () {
  "use strict";

  var root = document.getElementById("scorecard-editor");
  if (!root) { return; }
  var data = JSON.parse(root.getAttribute("data-editor"));
  var M = data.messages;
  var model = data.model || {};
  var yamlBox = document.getElementById("ed-yaml");
  var CHECK_URL = "/api/v1/scorecards/check";
  var GRADE_COLOURS = { S: "#1e7b4f", A: "#2e9d62", B: "#1f5fae", C: "#d08c1a", D: "#b42318" };
  var DIRECTIONS = ["higher_better", "lower_better", "band", "steps"];
  var EVENTS = ["complaint", "qa_fatal", "operation_error"];
  var checkTimer = null;
  var checkSeq = 0;
  var lastIssues = data.issues || [];

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // POST JSON with the session's CSRF token; resolves to {status, body}.
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        return { status: r.status, body: b };
      });
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  // -- key paths, as the validation rules write them -------------------------------------
  function itemPath(base, i, item) {
    var p = base + "[" + i + "]";
    return item && typeof item.id === "string" ? p + "(" + item.id + ")" : p;
  }

  function num(v) {
    if (v === "" || v === null || v === undefined) { return undefined; }
    var n = Number(v);
    return isNaN(n) ? v : n;
  }

  function setKey(obj, key, value) {
    if (value === undefined || value === "") { delete obj[key]; } else { obj[key] = value; }
  }

  // -- fields ---------------------------------------------------------------------------
  var fieldSeq = 0;

  // A labelled field bound to obj[key]; ``path`` is the key path its issues name.
  function field(label, path, input, wide) {
    var id = "ed-f" + (fieldSeq++);
    input.id = id;
    input.setAttribute("data-path", path);
    var size = wide === "mid" ? " ed-mid" : (wide ? " ed-wide" : "");
    var wrap = el("div", { "class": "ed-field" + size, "data-path": path }, [
      el("label", { "for": id, text: label }), input
    ]);
    return wrap;
  }

  function numberInput(obj, key, path, label, opts) {
    var input = el("input", { type: "number", step: "any", inputmode: "decimal" });
    if (obj[key] !== undefined && obj[key] !== null) { input.value = obj[key]; }
    input.addEventListener("input", function () {
      setKey(obj, key, num(input.value));
      changed();
    });
    return field(label, path + "." + key, input, opts && opts.wide);
  }

  function textInput(obj, key, path, label, wide) {
    var input = el("input", { type: "text" });
    input.value = obj[key] === undefined || obj[key] === null ? "" : String(obj[key]);
    input.addEventListener("input", function () {
      setKey(obj, key, input.value);
      changed();
    });
    return field(label, path + "." + key, input, wide);
  }

  function select(options, current, onChange) {
    var s = el("select");
    var found = false;
    options.forEach(function (o) {
      var opt = el("option", { value: o[0], text: o[1] });
      if (o[0] === current) { opt.selected = true; found = true; }
      s.appendChild(opt);
    });
    if (!found && current !== undefined && current !== null) {
      var keep = el("option", { value: String(current), text: String(current) });
      keep.selected = true;
      s.insertBefore(keep, s.firstChild);
    }
    s.addEventListener("change", function () { onChange(s.value); });
    return s;
  }

  function removeButton(list, index) {
    var b = el("button", { type: "button", "class": "btn-small ed-remove", text: M.remove });
    b.addEventListener("click", function () {
      list.splice(index, 1);
      changed(true);
    });
    return b;
  }

  function addButton(label, onAdd) {
    var b = el("button", { type: "button", "class": "btn-small", text: label });
    b.addEventListener("click", function () { onAdd(); changed(true); });
    return b;
  }

  function indicatorOptions(filter) {
    return data.indicators.filter(filter || function () { return true; })
      .map(function (i) { return [i.id, i.name]; });
  }

  // -- sections -------------------------------------------------------------------------
  function renderBasics() {
    var box = document.getElementById("ed-basics");
    box.textContent = "";
    var sample = select(["redistribute", "team_value", "zero"].map(function (k) {
      return [k, M["sample." + k]];
    }), model.insufficient_sample || "redistribute", function (v) {
      model.insufficient_sample = v;
      changed();
    });
    box.appendChild(el("div", { "class": "ed-row" }, [
      textInput(model, "name", "", M.name, true),
      textInput(model, "version", "", M.version),
      field(M.insufficient_sample, "insufficient_sample", sample, true)
    ]));
    // Top-level keys are named without a leading dot.
    box.querySelectorAll("[data-path^='.']").forEach(function (n) {
      n.setAttribute("data-path", n.getAttribute("data-path").slice(1));
    });
  }

  function directionOf(ind) {
    if (ind.steps) { return "steps"; }
    return ind.direction || "higher_better";
  }

  function renderIndicator(dim, dpath, j) {
    var ind = dim.indicators[j];
    var ipath = itemPath(dpath + ".indicators", j, ind);
    var idSelect = select(indicatorOptions(), ind.id, function (v) {
      ind.id = v;
      changed(true);
    });
    var dir = directionOf(ind);
    var dirSelect = select(DIRECTIONS.map(function (d) { return [d, M["direction_" + d]]; }), dir,
      function (v) {
        if (v === "steps") {
          delete ind.direction;
          ind.steps = ind.steps || [{ share: 1.0 }];
        } else {
          delete ind.steps;
          ind.direction = v;
        }
        changed(true);
      });
    var row = el("div", { "class": "ed-row" }, [
      field(M.indicator, ipath + ".id", idSelect, true),
      numberInput(ind, "weight", ipath, M.weight),
      field(M.direction, ipath + ".direction", dirSelect, "mid")
    ]);
    if (dir === "higher_better" || dir === "lower_better") {
      row.appendChild(numberInput(ind, "target", ipath, M.target));
      row.appendChild(numberInput(ind, "threshold", ipath, M.threshold));
    } else if (dir === "band") {
      var band = Array.isArray(ind.band) ? ind.band : [undefined, undefined];
      [0, 1].forEach(function (k) {
        var input = el("input", { type: "number", step: "any", inputmode: "decimal" });
        if (band[k] !== undefined && band[k] !== null) { input.value = band[k]; }
        input.addEventListener("input", function () {
          var b = Array.isArray(ind.band) ? ind.band.slice() : [null, null];
          b[k] = num(input.value) === undefined ? null : num(input.value);
          ind.band = b;
          changed();
        });
        row.appendChild(field(k === 0 ? M.band_low : M.band_high, ipath + ".band", input));
      });
      row.appendChild(numberInput(ind, "tolerance", ipath, M.tolerance));
    }
    row.appendChild(numberInput(ind, "min_sample", ipath, M.min_sample));
    row.appendChild(removeButton(dim.indicators, j));
    return el("div", { "class": "ed-indicator", "data-path": ipath }, [row]);
  }

  function dimensionName(dim) {
    var zh = data.locale.indexOf("zh") === 0;
    return (zh ? dim.name.zh || dim.name.en : dim.name.en || dim.name.zh) || dim.id || "";
  }

  // Each dimension's sum of indicator weights, beside its own weight, as the user types.
  function showSums() {
    root.querySelectorAll(".ed-sum").forEach(function (span) {
      var dim = model.dimensions[Number(span.getAttribute("data-dimension"))];
      var sum = (dim && dim.indicators || []).reduce(function (s, ind) {
        return s + (typeof ind.weight === "number" ? ind.weight : 0);
      }, 0);
      span.textContent = "Σ " + Math.round(sum * 1e6) / 1e6;
    });
  }

  function renderDimensions() {
    var box = document.getElementById("ed-dimensions");
    box.textContent = "";
    var dims = Array.isArray(model.dimensions) ? model.dimensions : (model.dimensions = []);
    dims.forEach(function (dim, i) {
      var dpath = itemPath("dimensions", i, dim);
      dim.name = dim.name && typeof dim.name === "object" ? dim.name : {};
      dim.indicators = Array.isArray(dim.indicators) ? dim.indicators : [];
      var sum = dim.indicators.reduce(function (s, ind) {
        return s + (typeof ind.weight === "number" ? ind.weight : 0);
      }, 0);
      var head = el("div", { "class": "ed-row" }, [
        textInput(dim, "id", dpath, M.dimension_id),
        textInput(dim.name, "zh", dpath + ".name", M.name_zh),
        textInput(dim.name, "en", dpath + ".name", M.name_en),
        numberInput(dim, "weight", dpath, M.dimension_weight),
        el("span", { "class": "ed-sum muted", "data-dimension": String(i), text: "Σ " + sum }),
        removeButton(dims, i)
      ]);
      var inds = el("div", { "class": "ed-indicators" });
      dim.indicators.forEach(function (_, j) { inds.appendChild(renderIndicator(dim, dpath, j)); });
      var add = addButton(M.add_indicator, function () {
        dim.indicators.push({ id: data.indicators[0].id, weight: 0, direction: "higher_better" });
      });
      box.appendChild(el("fieldset", { "class": "ed-dimension", "data-path": dpath }, [
        // The dimension's name in the page's language; the names are the user's data.
        el("legend", { "class": "data", text: dimensionName(dim) }), head, inds, add
      ]));
    });
  }

  function whereText(where) {
    if (!where || typeof where !== "object") { return ""; }
    return Object.keys(where).map(function (k) {
      var v = where[k];
      return k + "=" + (Array.isArray(v) ? v.join("|") : v);
    }).join("; ");
  }

  function parseWhere(text) {
    var out = {};
    text.split(/[;；]/).forEach(function (part) {
      var kv = part.split("=");
      if (kv.length < 2 || !kv[0].trim()) { return; }
      var values = kv.slice(1).join("=").split("|").map(function (s) { return s.trim(); });
      out[kv[0].trim()] = values.length > 1 ? values : values[0];
    });
    return out;
  }

  function whereInput(rule, path) {
    var input = el("input", { type: "text", placeholder: M.where_hint });
    input.value = whereText(rule.where);
    input.addEventListener("input", function () {
      var w = parseWhere(input.value);
      if (Object.keys(w).length) { rule.where = w; } else { delete rule.where; }
      changed();
    });
    return field(M.where, path + ".where", input, true);
  }

  function eventSelect(rule, path) {
    var s = select(EVENTS.map(function (e) { return [e, M["events." + e]]; }), rule.event,
      function (v) { rule.event = v; changed(); });
    return field(M.event, path + ".event", s, true);
  }

  function gradeNames() {
    var g = model.grades || {};
    if (g.thresholds && typeof g.thresholds === "object") { return Object.keys(g.thresholds); }
    if (g.distribution && g.distribution.shares) { return Object.keys(g.distribution.shares); }
    return [];
  }

  function renderRules(key, boxId, make, blank) {
    var box = document.getElementById(boxId);
    box.textContent = "";
    var list = Array.isArray(model[key]) ? model[key] : [];
    list.forEach(function (rule, k) {
      var path = key + "[" + k + "]";
      var row = el("div", { "class": "ed-row ed-rule", "data-path": path }, make(rule, path));
      row.appendChild(removeButton(list, k));
      box.appendChild(row);
    });
    box.appendChild(addButton(M.add, function () {
      if (!Array.isArray(model[key])) { model[key] = []; }
      model[key].push(blank());
    }));
  }

  function renderSanctions() {
    var counts = function (i) { return /count/.test(i.id); };
    renderRules("bonus", "ed-bonus", function (rule, path) {
      var s = select(indicatorOptions(counts), rule.indicator, function (v) {
        rule.indicator = v;
        changed();
      });
      return [field(M.indicator, path + ".indicator", s, true),
        numberInput(rule, "points_each", path, M.points_each),
        numberInput(rule, "cap", path, M.cap)];
    }, function () { return { indicator: "praise_count", points_each: 1, cap: 5 }; });
    renderRules("penalties", "ed-penalties", function (rule, path) {
      return [eventSelect(rule, path), whereInput(rule, path),
        numberInput(rule, "points_each", path, M.points_each)];
    }, function () { return { event: "complaint", points_each: 1 }; });
    renderRules("veto", "ed-veto", function (rule, path) {
      var grades = gradeNames().map(function (g) { return [g, g]; });
      var s = select(grades, rule.cap_grade, function (v) { rule.cap_grade = v; changed(); });
      return [eventSelect(rule, path), whereInput(rule, path),
        field(M.cap_grade, path + ".cap_grade", s)];
    }, function () { return { event: "qa_fatal", cap_grade: gradeNames().slice(-2)[0] || "C" }; });
  }

  // Grades: one row per grade with its minimum total and its pay coefficient (a grade
  // renamed here is renamed in the thresholds, the pay coefficients and the shares).
  function renderGrades() {
    var box = document.getElementById("ed-grades");
    box.textContent = "";
    model.grades = model.grades && typeof model.grades === "object" ? model.grades : {};
    model.applications = model.applications && typeof model.applications === "object"
      ? model.applications : {};
    var g = model.grades;
    var pay = model.applications.pay_coefficient =
      model.applications.pay_coefficient || {};
    var names = gradeNames();
    names.forEach(function (name) {
      var label = el("input", { type: "text", maxlength: "8", "class": "ed-grade-label" });
      label.value = name;
      label.addEventListener("change", function () {
        var fresh = label.value.trim();
        if (!fresh || fresh === name) { return; }
        [g.thresholds, pay, g.distribution && g.distribution.shares].forEach(function (map) {
          if (map && Object.prototype.hasOwnProperty.call(map, name)) {
            var rebuilt = {};
            Object.keys(map).forEach(function (k) { rebuilt[k === name ? fresh : k] = map[k]; });
            Object.keys(map).forEach(function (k) { delete map[k]; });
            Object.assign(map, rebuilt);
          }
        });
        changed(true);
      });
      var row = el("div", { "class": "ed-row ed-grade", "data-path": "grades.thresholds." + name }, [
        field(M.grade_label, "grades.thresholds", label)
      ]);
      if (g.thresholds) {
        row.appendChild(numberInput(g.thresholds, name, "grades.thresholds", M.min_total));
      }
      row.appendChild(numberInput(pay, name, "applications.pay_coefficient", M.pay_coefficient));
      var remove = el("button", { type: "button", "class": "btn-small ed-remove", text: M.remove });
      remove.addEventListener("click", function () {
        [g.thresholds, pay, g.distribution && g.distribution.shares].forEach(function (map) {
          if (map) { delete map[name]; }
        });
        changed(true);
      });
      row.appendChild(remove);
      box.appendChild(row);
    });
    box.appendChild(addButton(M.add, function () {
      var fresh = "G" + (names.length + 1);
      if (!g.thresholds && !g.distribution) { g.thresholds = {}; }
      if (g.thresholds) { g.thresholds[fresh] = 0; }
      if (g.distribution && g.distribution.shares) { g.distribution.shares[fresh] = 0; }
      pay[fresh] = 1;
    }));
  }

  function renderDistribution() {
    var box = document.getElementById("ed-distribution");
    box.textContent = "";
    var g = model.grades;
    var on = el("input", { type: "checkbox", id: "ed-use-distribution" });
    on.checked = !!g.distribution;
    on.addEventListener("change", function () {
      if (on.checked) {
        var shares = {};
        gradeNames().forEach(function (n) { shares[n] = 0; });
        g.distribution = { within: "team", shares: shares };
      } else {
        delete g.distribution;
      }
      changed(true);
    });
    box.appendChild(el("label", { "class": "check", "data-path": "grades.distribution" }, [
      on, document.createTextNode(" " + M.use_distribution)
    ]));
    if (!g.distribution) { return; }
    var d = g.distribution;
    d.shares = d.shares && typeof d.shares === "object" ? d.shares : {};
    var within = select(["team", "site", "centre"].map(function (k) {
      return [k, M["within." + k]];
    }), d.within || "team", function (v) { d.within = v; changed(); });
    var row = el("div", { "class": "ed-row" }, [
      field(M.within, "grades.distribution.within", within, true)
    ]);
    Object.keys(d.shares).forEach(function (name) {
      row.appendChild(numberInput(d.shares, name, "grades.distribution.shares",
        M.share + " " + name));
    });
    box.appendChild(row);
  }

  function renderForm() {
    fieldSeq = 0;
    renderBasics();
    renderDimensions();
    renderSanctions();
    renderGrades();
    renderDistribution();
    showIssues(lastIssues);
  }

  // -- issues beside their fields --------------------------------------------------------
  // An issue goes beside the element whose key path is the longest prefix of its own
  // (``dimensions[0](efficiency).indicators[2](fcr_rate).weight`` → that weight field).
  function covers(path, issuePath) {
    if (!path) { return false; }
    if (issuePath === path) { return true; }
    if (issuePath.indexOf(path) !== 0) { return false; }
    var next = issuePath.charAt(path.length);
    return next === "." || next === "[";
  }

  function showIssues(issues) {
    lastIssues = issues;
    document.querySelectorAll(".ed-field-issue").forEach(function (n) { n.remove(); });
    document.querySelectorAll(".ed-has-issue").forEach(function (n) {
      n.classList.remove("ed-has-issue");
    });
    var holders = Array.prototype.slice.call(root.querySelectorAll(".ed-form [data-path]"))
      .filter(function (n) { return n.tagName !== "INPUT" && n.tagName !== "SELECT"; });
    var list = document.getElementById("ed-issues");
    list.textContent = "";
    issues.forEach(function (issue) {
      list.appendChild(el("li", {}, [
        el("code", { "class": "data", text: issue.key_path || "—" }),
        document.createTextNode(" " + issue.message)
      ]));
      var best = null;
      holders.forEach(function (h) {
        var p = h.getAttribute("data-path");
        if (covers(p, issue.key_path) &&
            (!best || p.length > best.getAttribute("data-path").length)) { best = h; }
      });
      if (best) {
        best.classList.add("ed-has-issue");
        var note = el("p", { "class": "ed-field-issue", role: "alert", text: issue.message });
        // A whole section's issue (all the weights…) is read before its rows, not after.
        if (best.hasAttribute("data-issue-first")) {
          best.insertBefore(note, best.firstChild);
        } else {
          best.appendChild(note);
        }
      }
    });
    document.getElementById("ed-no-issues").hidden = issues.length > 0;
    status(issues.length ? M.issues + " (" + issues.length + ")" : M.valid, issues.length > 0);
  }

  function status(text, bad) {
    var s = document.getElementById("ed-status");
    s.textContent = text;
    s.className = bad ? "ed-bad" : "ed-good";
  }

  function message(text, bad) {
    var m = document.getElementById("ed-message");
    m.textContent = "";
    m.hidden = !text;
    m.className = "ed-message " + (bad ? "alert-error" : "flash-success");
    if (typeof text === "string") { m.textContent = text; } else if (text) { m.appendChild(text); }
  }

  // -- round trips ------------------------------------------------------------------------
  function keepDraft() {
    try { sessionStorage.setItem(data.draft_key, yamlBox.value); } catch (e) { /* private mode */ }
  }

  // The form changed: check its model, then show the normalised YAML. ``structural``:
  // rows were added or removed, so the form is drawn again at once.
  function changed(structural) {
    if (structural) { renderForm(); } else { showSums(); }
    schedule(function () { return { model: model }; }, true);
  }

  function schedule(body, fromForm) {
    status(M.checking, false);
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () { runCheck(body(), fromForm); }, 350);
  }

  function runCheck(body, fromForm) {
    var seq = ++checkSeq;
    return post(CHECK_URL, body).then(function (r) {
      if (seq !== checkSeq) { return r; }  // a newer change is on its way
      if (r.status !== 200) { status(M.sim_failed, true); return r; }
      var res = r.body;
      if (fromForm && res.normalised_yaml !== null) {
        yamlBox.value = res.normalised_yaml;
      } else if (!fromForm) {
        if (res.model) {
          model = res.model;
          renderForm();
        } else {
          message(M.unreadable, true);
        }
      }
      if (!fromForm && res.model) { message("", false); }
      keepDraft();
      showIssues(res.issues);
      return r;
    });
  }

  yamlBox.addEventListener("input", function () {
    keepDraft();
    schedule(function () { return { yaml: yamlBox.value }; }, false);
  });

  // -- save and activate ------------------------------------------------------------------
  function savedLink(body, activated) {
    var a = el("a", { href: "/scorecards/" + body.id, text: "#" + body.id + " " + body.name +
      " " + body.version });
    var list = el("a", { href: "/scorecards", text: document.querySelector(
      "#ed-origin a").textContent });
    var span = el("span", { id: "ed-saved", "data-version-id": String(body.id) }, [
      document.createTextNode((activated ? M.activated : M.saved) + ": "), a,
      document.createTextNode(" · "), list
    ]);
    return span;
  }

  function save(activate) {
    clearTimeout(checkTimer);
    var content = yamlBox.value;
    return post("/api/v1/scorecards", { content: content, activate: activate }).then(function (r) {
      if (r.status === 201) {
        try { sessionStorage.removeItem(data.draft_key); } catch (e) { /* private mode */ }
        message(savedLink(r.body, activate), false);
        return;
      }
      // Refused: the draft stays as typed; its issues are shown in the page's language.
      keepDraft();
      message(M.save_failed, true);
      runCheck({ yaml: content }, false);
    }).catch(function () {
      keepDraft();
      message(M.save_failed, true);
    });
  }

  document.getElementById("ed-save").addEventListener("click", function () { save(false); });
  document.getElementById("ed-activate").addEventListener("click", function (event) {
    if (window.confirm(event.target.getAttribute("data-confirm-text"))) { save(true); }
  });

  // -- the trial run (试算) ----------------------------------------------------------------
  function chosenPeriods() {
    return Array.prototype.slice.call(document.querySelectorAll("#ed-months input:checked"))
      .map(function (i) { return i.value; });
  }

  function fmt(v, digits) {
    if (v === null || v === undefined) { return "—"; }
    return Number(v).toFixed(digits);
  }

  function summaries(sim) {
    return Array.isArray(sim.summary) ? sim.summary : [];
  }

  // The simulation's summary per period (kefu.scoring.simulation.PeriodSummary).
  function countsOf(summary, side) {
    return (side === "before" ? summary.grades_current : summary.grades_draft) || {};
  }

  function paySum(summary, side) {
    return side === "before" ? summary.pay_sum_current : summary.pay_sum_draft;
  }

  var indicatorNames = {};
  data.indicators.forEach(function (i) { indicatorNames[i.id] = i.name; });

  function signed(v) {
    return (v > 0 ? "+" : "") + fmt(v, 2);
  }

  // Why an agent moves: the sentence the simulation gives in the page's language, else
  // the indicators whose points moved most, each with its points before and after.
  function reasonText(row) {
    if (typeof row.reason_text === "string" && row.reason_text) { return row.reason_text; }
    return (row.reasons || []).map(function (r) {
      var name = r.label || indicatorNames[r.indicator_id] || r.indicator_id;
      return name + " " + fmt(r.points_current, 2) + " → " + fmt(r.points_draft, 2) +
        " (" + signed(r.delta) + ")";
    }).join("；");
  }

  function gradeOf(outcome) { return outcome ? outcome.grade : "—"; }
  function totalOf(outcome) { return outcome ? outcome.total : null; }

  function renderPay(sums) {
    var t = document.getElementById("ed-pay");
    t.textContent = "";
    t.appendChild(el("thead", {}, [el("tr", {}, [
      el("th", { text: M.period }), el("th", { "class": "num", text: M.pay_sum + " · " + M.before }),
      el("th", { "class": "num", text: M.pay_sum + " · " + M.after }),
      el("th", { "class": "num", text: M.changed })
    ])]));
    var body = el("tbody");
    sums.forEach(function (s) {
      var changes = s.grade_changes;
      body.appendChild(el("tr", {}, [
        el("td", { "class": "data", text: s.period }),
        el("td", { "class": "num", text: fmt(paySum(s, "before"), 2) }),
        el("td", { "class": "num", text: fmt(paySum(s, "after"), 2) }),
        el("td", { "class": "num", text: changes === undefined ? "—" : String(changes) })
      ]));
    });
    t.appendChild(body);
  }

  function renderCharts(rows, sums) {
    if (!window.echarts) { return; }
    var before = {}, after = {};
    sums.forEach(function (s) {
      [[before, countsOf(s, "before")], [after, countsOf(s, "after")]].forEach(function (pair) {
        Object.keys(pair[1]).forEach(function (g) {
          pair[0][g] = (pair[0][g] || 0) + Number(pair[1][g] || 0);
        });
      });
    });
    var grades = gradeNames();
    Object.keys(before).concat(Object.keys(after)).forEach(function (g) {
      if (grades.indexOf(g) < 0) { grades.push(g); }
    });
    var bars = echarts.init(document.getElementById("ed-bars"));
    bars.setOption({
      animation: false,
      grid: { left: 36, right: 12, top: 28, bottom: 24 },
      legend: { data: [M.before, M.after], top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: grades },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: M.before, type: "bar", itemStyle: { color: "#9aa5b1" },
          data: grades.map(function (g) { return before[g] || 0; }), label: { show: true, position: "top" } },
        { name: M.after, type: "bar", itemStyle: { color: "#1f5fae" },
          data: grades.map(function (g) {
            return { value: after[g] || 0, itemStyle: { color: GRADE_COLOURS[g] || "#1f5fae" } };
          }), label: { show: true, position: "top" } }
      ]
    });
    var points = rows.filter(function (r) { return r.current && r.draft; }).map(function (r) {
      return [r.current.total, r.draft.total, r.name || r.agent_id, r.current.grade, r.draft.grade];
    });
    var all = points.reduce(function (acc, p) { return acc.concat([p[0], p[1]]); }, []);
    var lo = Math.floor(Math.min.apply(null, all.concat([100])));
    var hi = Math.ceil(Math.max.apply(null, all.concat([0])));
    var scatter = echarts.init(document.getElementById("ed-scatter"));
    scatter.setOption({
      animation: false,
      grid: { left: 40, right: 12, top: 12, bottom: 36 },
      tooltip: { formatter: function (p) {
        var v = p.value;
        return v[2] + "<br>" + M.current_total + " " + fmt(v[0], 2) + " (" + v[3] + ")<br>" +
          M.draft_total + " " + fmt(v[1], 2) + " (" + v[4] + ")";
      } },
      xAxis: { type: "value", name: M.current_total, nameLocation: "middle", nameGap: 22, min: lo, max: hi },
      yAxis: { type: "value", name: M.draft_total, min: lo, max: hi },
      series: [
        { type: "scatter", symbolSize: 8, data: points,
          itemStyle: { color: function (p) {
            return p.value[3] === p.value[4] ? "#9aa5b1" : (GRADE_COLOURS[p.value[4]] || "#e07b39");
          } } },
        { type: "line", data: [[lo, lo], [hi, hi]], symbol: "none", silent: true,
          lineStyle: { type: "dashed", color: "#bbb" } }
      ]
    });
    window.addEventListener("resize", function () { bars.resize(); scatter.resize(); });
  }

  function renderMovers(rows) {
    var t = document.getElementById("ed-movers");
    t.textContent = "";
    var movers = rows.filter(function (r) { return gradeOf(r.current) !== gradeOf(r.draft); });
    if (!movers.length) {
      t.appendChild(el("tbody", {}, [el("tr", {}, [el("td", { text: M.no_movers })])]));
      return;
    }
    t.appendChild(el("thead", {}, [el("tr", {}, [
      el("th", { text: M.agent }), el("th", { text: M.period }),
      el("th", { "class": "num", text: M.current_total }), el("th", { "class": "num", text: M.draft_total }),
      el("th", { text: M.grade_change }), el("th", { text: M.reasons })
    ])]));
    var body = el("tbody");
    movers.forEach(function (r) {
      body.appendChild(el("tr", { "class": "ed-mover", "data-agent": r.agent_id }, [
        el("td", { "class": "data", text: (r.name ? r.name + " " : "") + r.agent_id }),
        el("td", { "class": "data", text: r.period }),
        el("td", { "class": "num", text: fmt(totalOf(r.current), 2) }),
        el("td", { "class": "num", text: fmt(totalOf(r.draft), 2) }),
        el("td", { text: gradeOf(r.current) + " → " + gradeOf(r.draft) }),
        el("td", { "class": "ed-reason", text: reasonText(r) })
      ]));
    });
    t.appendChild(body);
  }

  var simButton = document.getElementById("ed-simulate");
  if (simButton) {
    simButton.addEventListener("click", function () {
      var periods = chosenPeriods();
      if (!periods.length) { message(M.pick_months, true); return; }
      message(M.sim_running, false);
      simButton.disabled = true;
      post("/api/v1/scorecards/simulate", { yaml: yamlBox.value, periods: periods })
        .then(function (r) {
          simButton.disabled = false;
          if (r.status !== 200) {
            message(M.sim_failed, true);
            if (r.status === 422) { runCheck({ yaml: yamlBox.value }, false); }
            return;
          }
          message("", false);
          var sim = r.body;
          var rows = sim.rows || [];
          var sums = summaries(sim);
          document.getElementById("ed-results").hidden = false;
          renderPay(sums);
          renderCharts(rows, sums);
          renderMovers(rows);
        }).catch(function () {
          simButton.disabled = false;
          message(M.sim_failed, true);
        });
    });
  }

  // -- start --------------------------------------------------------------------------------
  var kept = null;
  try { kept = sessionStorage.getItem(data.draft_key); } catch (e) { kept = null; }
  renderForm();
  if (kept && kept !== data.yaml) {
    yamlBox.value = kept;
    runCheck({ yaml: kept }, false).then(function () { message(M.restored, false); });
  }
})();
