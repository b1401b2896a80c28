// kefu chat widget: <script src="https://kefu.example/widget.js" async
//   data-lang="zh|en" data-entry="order_page" data-name="…" data-uid="…"
//   data-uid-signature="<hex HMAC-SHA256 of data-uid, computed by the site's server>"
//   data-position="right|left" data-color="#1769e0"></script>
// adds a floating button that opens /chat in an iframe. Plain script (no module), so it
// works on any page; it touches nothing of the host page besides its own two elements.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__kefuWidget) return;
  window.__kefuWidget = true;
  var origin = new URL(script.src, location.href).origin;
  var data = script.dataset;
  var lang = data.lang || ((navigator.language || "zh").toLowerCase().indexOf("zh") === 0 ? "zh" : "en");
  var labels = { zh: "在线客服", en: "Chat with us" };
  var side = data.position === "left" ? "left" : "right";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#1769e0";

  var query = new URLSearchParams({ embed: "1", lang: lang });
  if (data.entry) query.set("entry", data.entry);
  if (data.name) query.set("name", data.name);
  if (data.uid) query.set("uid", data.uid);
  if (data.uidSignature) query.set("uid_signature", data.uidSignature);

  var button = document.createElement("button");
  button.type = "button";
  button.id = "kefu-widget-button";
  button.textContent = labels[lang] || labels.zh;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText =
    "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;border:none;" +
    "border-radius:999px;padding:12px 18px;font:600 15px system-ui,sans-serif;color:#fff;" +
    "background:" + color + ";box-shadow:0 4px 14px rgba(0,0,0,.2);cursor:pointer;";

  var dot = document.createElement("span");
  dot.style.cssText =
    "display:none;position:absolute;top:4px;right:6px;width:10px;height:10px;border-radius:50%;" +
    "background:#ff4d4f;";
  button.appendChild(dot);

  var frame = null;

  function sizeFrame() {
    if (!frame) return;
    var small = window.innerWidth < 600;
    frame.style.cssText = small
      ? "position:fixed;inset:0;width:100%;height:100%;border:none;z-index:2147483001;background:#fff;"
      : "position:fixed;bottom:84px;" + side + ":20px;width:380px;height:min(640px,calc(100vh - 110px));" +
        "border:none;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);z-index:2147483001;background:#fff;";
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "kefu-widget-frame";
      frame.title = labels[lang] || labels.zh;
      frame.src = origin + "/chat?" + query.toString();
      frame.allow = "clipboard-write";
      document.body.appendChild(frame);
      sizeFrame();
    }
    frame.style.display = "block";
    dot.style.display = "none";
    button.setAttribute("aria-expanded", "true");
  }

  function close() {
    if (frame) frame.style.display = "none";
    button.setAttribute("aria-expanded", "false");
  }

  button.addEventListener("click", function () {
    if (frame && frame.style.display !== "none") close();
    else open();
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data) return;
    if (event.data.type === "kefu:close") close();
    if (event.data.type === "kefu:unread" && (!frame || frame.style.display === "none")) {
      dot.style.display = "block";
    }
  });
  window.addEventListener("resize", sizeFrame);

  function mount() {
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
