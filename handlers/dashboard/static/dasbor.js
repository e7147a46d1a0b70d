// Siaga dashboard: live sections from the server (Server-Sent Events over fetch, so the
// credential travels in a header, never in a URL). Everything shown is HTML the server
// rendered and escaped; this script only swaps it in and asks for lists.
(function () {
  "use strict";
  var body = document.body;
  var base = body.getAttribute("data-base") || "";
  var words = chooseWords();
  var notice = document.getElementById("notice");
  var panel = document.getElementById("panel");
  var card = document.getElementById("person");
  var listQuery = null;
  var listTimer = null;
  var retry = 1000;

  function credential() {
    if (body.classList.contains("screen")) {
      var parts = location.pathname.split("/layar/");
      return parts.length > 1 ? "screen " + decodeURIComponent(parts[1]) : "";
    }
    // Telegram passes initData in the URL fragment; its script (when it loads) has it too.
    var fromHash = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
    var tg = window.Telegram && window.Telegram.WebApp;
    var data = fromHash || (tg && tg.initData) || "";
    return data ? "tma " + data : "";
  }

  var auth = credential();

  // The viewer's Telegram language (initData's user.language_code), else the page's own.
  function chooseWords() {
    var all = document.querySelectorAll("template.words");
    var lang = "";
    try {
      var data = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
      var tg = window.Telegram && window.Telegram.WebApp;
      var user = data ? JSON.parse(new URLSearchParams(data).get("user") || "{}")
        : (tg && tg.initDataUnsafe && tg.initDataUnsafe.user) || {};
      lang = String(user.language_code || "").split("-")[0].toLowerCase();
    } catch (e) { lang = ""; }
    for (var i = 1; i < all.length; i++) {
      if (all[i].dataset.lang === lang) {
        document.documentElement.lang = lang;
        var loading = document.getElementById("loading");
        if (loading) { loading.textContent = all[i].dataset.loading; }
        return all[i].dataset;
      }
    }
    return all[0].dataset;
  }

  function show(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function refused(status) {
    show(body.classList.contains("screen") ? words.ended : status === 401 ? words.reopen : words.refused);
    var main = document.querySelector("main");
    if (main) { main.innerHTML = ""; }
    panel.hidden = true;
    card.hidden = true;
  }

  function apply(sections) {
    var loading = document.getElementById("loading");
    if (loading) { loading.remove(); }
    Object.keys(sections).forEach(function (name) {
      var el = document.getElementById(name);
      if (el && el.innerHTML !== sections[name]) { el.innerHTML = sections[name]; }
    });
    body.setAttribute("data-live", String(Date.now()));
    if (listQuery && !panel.hidden) {
      clearTimeout(listTimer);
      listTimer = setTimeout(function () { loadList(listQuery); }, 300);
    }
  }

  function get(path) {
    return fetch(base + path, { headers: { Authorization: auth }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { refused(r.status); throw new Error("refused"); }
        if (!r.ok) { throw new Error("http " + r.status); }
        return r.json();
      });
  }

  function handle(event, data) {
    if (event === "snapshot") { apply(JSON.parse(data).sections); show(""); retry = 1000; }
    if (event === "refused") { refused(JSON.parse(data).status); return false; }
    return true;
  }

  function stream() {
    if (!auth) { refused(401); return; }
    fetch(base + "/api/stream", { headers: { Authorization: auth }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { refused(r.status); return null; }
        if (!r.ok || !r.body) { throw new Error("http " + r.status); }
        var reader = r.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { throw new Error("closed"); }
            buffer += decoder.decode(chunk.value, { stream: true });
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              var block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              var event = "message";
              var data = [];
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event: ") === 0) { event = line.slice(7); }
                if (line.indexOf("data: ") === 0) { data.push(line.slice(6)); }
              });
              if (data.length && !handle(event, data.join("\n"))) { reader.cancel(); return null; }
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (err) {
        if (String(err && err.message) === "refused") { return; }
        show(words.offline);
        setTimeout(stream, retry);
        retry = Math.min(retry * 2, 10000);
      });
  }

  function loadList(query) {
    listQuery = query;
    return get("/api/list?" + query).then(function (reply) {
      panel.innerHTML = reply.html + '<button type="button" class="close">×</button>';
      panel.hidden = false;
    }).catch(function () {});
  }

  document.addEventListener("click", function (e) {
    var target = e.target.closest("button");
    if (!target) { return; }
    if (target.classList.contains("open-list")) {
      loadList("view=" + encodeURIComponent(target.getAttribute("data-view")));
    } else if (target.classList.contains("page")) {
      loadList(target.getAttribute("data-query"));
    } else if (target.classList.contains("person")) {
      get("/api/person/" + target.getAttribute("data-person")).then(function (reply) {
        card.innerHTML = reply.html;
        card.hidden = false;
      }).catch(function () {});
    } else if (target.classList.contains("close")) {
      var box = target.closest(".panel, .person-card");
      if (box) { box.hidden = true; }
      if (box === panel) { listQuery = null; }
    }
  });

  document.addEventListener("change", function (e) {
    var form = e.target.closest("form.filters");
    if (!form) { return; }
    var params = new URLSearchParams(new FormData(form));
    params.set("view", form.getAttribute("data-view"));
    loadList(params.toString());
  });

  // Telegram's script loads asynchronously (or not at all, on a closed network).
  window.addEventListener("load", function () {
    var tg = window.Telegram && window.Telegram.WebApp;
    if (tg) { tg.ready(); tg.expand(); }
  });
  stream();
})();
