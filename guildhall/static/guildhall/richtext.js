/* The rich-text editor (Quill 2, from npm) for every [data-rich-text] widget of
 * guildhall.kit.richtext. It writes the text as HTML into the widget's hidden field and
 * removes the plain text box that stands in for it without JavaScript. The server sanitizes
 * whatever arrives; the cleaning of pasted Word and WPS text here only keeps the structure
 * (headings, lists, bold) that Quill would otherwise lose, and keeps style attributes out
 * of the page (the Content-Security-Policy allows no inline style). */
(function () {
  "use strict";

  var FORMATS = ["header", "bold", "italic", "underline", "list", "indent", "blockquote", "link", "image"];
  var IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
  var IMAGE_MAX_SIDE = 1600;
  var IMAGE_KEEP_BYTES = 400 * 1024;
  var IMAGE_MAX_BYTES = 20 * 1024 * 1024;

  /* ---- pasted Office HTML ------------------------------------------------------ */

  function styleOf(el) {
    return (el.getAttribute && el.getAttribute("data-mso-style")) || "";
  }

  // Word and WPS write a list item's number or bullet as text between the conditional
  // comments [if !supportLists] and [endif] (and mark it mso-list:Ignore).
  function dropListMarkers(doc) {
    var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
    var starts = [];
    while (walker.nextNode()) {
      if (/^\[if !supportLists\]/i.test(walker.currentNode.nodeValue)) starts.push(walker.currentNode);
    }
    starts.forEach(function (start) {
      var node = start.nextSibling;
      while (node && !(node.nodeType === 8 && /^\[endif\]/i.test(node.nodeValue))) {
        var next = node.nextSibling;
        node.parentNode.removeChild(node);
        node = next;
      }
    });
    doc.body.querySelectorAll("[data-mso-style*='mso-list']").forEach(function (el) {
      if (/mso-list:\s*ignore/i.test(styleOf(el))) el.remove();
    });
  }

  // A list paragraph: style "mso-list:l0 level2 lfo1"; the list's kind is in the
  // <style> part (@list l0:level2 {mso-level-number-format:bullet}); decimal is the default.
  function listInfo(el, css) {
    var style = styleOf(el);
    var id = style.match(/mso-list:\s*l(\d+)/i);
    if (!id) return null;
    var level = style.match(/mso-list:[^;]*level(\d+)/i);
    level = level ? Number(level[1]) : 1;
    var rule = new RegExp("@list\\s+l" + id[1] + ":level" + level + "\\s*\\{([^}]*)\\}", "i").exec(css);
    var bullet = rule && /mso-level-number-format:\s*bullet/i.test(rule[1]);
    if (!rule && /^[\s\u00a0]*[·•▪◆●○■□\u2022\uf0b7\uf0a7]/.test(el.textContent)) bullet = true;
    return { id: id[1], level: level, tag: bullet ? "ul" : "ol" };
  }

  // Consecutive list paragraphs become one list in Quill's own form: each item says its
  // kind (data-list) and its depth (ql-indent-N), as Quill's lists are flat.
  function buildLists(doc, css) {
    var items = Array.prototype.slice.call(doc.body.querySelectorAll("p, h1, h2, h3, h4, h5, h6, div"))
      .filter(function (el) { return /mso-list:\s*l\d/i.test(styleOf(el)); });
    var used = new Set();
    items.forEach(function (first) {
      if (used.has(first)) return;
      var run = [first];
      var next = first.nextElementSibling;
      while (next && items.indexOf(next) !== -1) { run.push(next); next = next.nextElementSibling; }
      var list = doc.createElement("ul");
      run.forEach(function (el) {
        used.add(el);
        var info = listInfo(el, css);
        var li = doc.createElement("li");
        li.setAttribute("data-list", info.tag === "ul" ? "bullet" : "ordered");
        if (info.level > 1) li.setAttribute("class", "ql-indent-" + Math.min(info.level - 1, 8));
        while (el.firstChild) li.appendChild(el.firstChild);
        list.appendChild(li);
      });
      first.parentNode.insertBefore(list, first);
      run.forEach(function (el) { el.remove(); });
    });
  }

  // Bold, italic and underline that Word or WPS wrote as styles become elements.
  function stylesToElements(doc) {
    doc.body.querySelectorAll("span, font").forEach(function (el) {
      var style = styleOf(el);
      var wrap = [];
      if (/font-weight:\s*(bold|[6-9]00)/i.test(style)) wrap.push("strong");
      if (/font-style:\s*italic/i.test(style)) wrap.push("em");
      if (/text-decoration:[^;]*underline/i.test(style)) wrap.push("u");
      wrap.forEach(function (tag) {
        var outer = doc.createElement(tag);
        while (el.firstChild) outer.appendChild(el.firstChild);
        el.appendChild(outer);
      });
    });
    // Word: <b style="mso-bidi-font-weight:normal"> is not bold.
    doc.body.querySelectorAll("b, strong").forEach(function (el) {
      if (/font-weight:\s*normal/i.test(styleOf(el)) && !/mso-bidi/i.test(styleOf(el))) {
        el.replaceWith.apply(el, Array.prototype.slice.call(el.childNodes));
      }
    });
    // The editor has two heading levels below the page's title.
    doc.body.querySelectorAll("h1, p.MsoTitle, p.Title").forEach(function (el) { rename(doc, el, "h2"); });
    doc.body.querySelectorAll("h4, h5, h6").forEach(function (el) { rename(doc, el, "h3"); });
    doc.body.querySelectorAll("p.MsoSubtitle").forEach(function (el) { rename(doc, el, "h3"); });
  }

  function rename(doc, el, tag) {
    var to = doc.createElement(tag);
    while (el.firstChild) to.appendChild(el.firstChild);
    el.replaceWith(to);
  }

  var KEEP = { A: ["href"], IMG: ["src", "alt"], LI: ["data-list", "class"], TD: ["colspan", "rowspan"],
    TH: ["colspan", "rowspan"] };

  function stripCruft(doc) {
    doc.querySelectorAll("style, script, meta, link, title, xml").forEach(function (el) { el.remove(); });
    var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
    var comments = [];
    while (walker.nextNode()) comments.push(walker.currentNode);
    comments.forEach(function (c) { c.remove(); });
    Array.prototype.slice.call(doc.body.querySelectorAll("*")).forEach(function (el) {
      var name = el.tagName.toUpperCase();
      if (name.indexOf(":") !== -1) { // o:p, v:shape, w:sdt … : Office's own elements
        if (name === "O:P" || name.indexOf("V:") === 0) el.remove();
        else el.replaceWith.apply(el, Array.prototype.slice.call(el.childNodes));
        return;
      }
      if (name === "IMG" && !/^data:image\//i.test(el.getAttribute("src") || "")) {
        el.remove(); // a file on the author's disk (file:///…clip_image001.png) or elsewhere
        return;
      }
      if (name === "A" && !el.getAttribute("href")) { // Word's bookmarks (<a name="_Toc…">)
        el.replaceWith.apply(el, Array.prototype.slice.call(el.childNodes));
        return;
      }
      if (name === "LI" && !/^ql-indent-\d$/.test(el.getAttribute("class") || "")) el.removeAttribute("class");
      var keep = KEEP[name] || [];
      Array.prototype.slice.call(el.attributes).forEach(function (a) {
        if (keep.indexOf(a.name) === -1) el.removeAttribute(a.name);
      });
    });
  }

  // Return the pasted HTML with its structure and without Office's styles, classes and
  // conditional parts. Parsed in an inert document: nothing of it runs or styles the page.
  //
  // A document from DOMParser keeps the page's policy: a style attribute or element parsed
  // there is a violation too. So the <style> parts are read and cut out as text, and style
  // attributes renamed to data-mso-style, before parsing.
  function cleanPastedHtml(html) {
    var css = [];
    html = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, function (all, text) {
      css.push(text);
      return "";
    });
    html = html.replace(/(<[a-zA-Z][^<>]*?\s)style(\s*=)/g, "$1data-mso-style$2");
    var doc = new DOMParser().parseFromString(html, "text/html");
    css = css.join("\n");
    dropListMarkers(doc);
    buildLists(doc, css);
    stylesToElements(doc);
    stripCruft(doc);
    return doc.body.innerHTML;
  }

  /* ---- images ----------------------------------------------------------------- */

  function readAsDataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = reject;
      reader.readAsDataURL(blob);
    });
  }

  // A photo from a phone is made smaller before it goes into the text; the server checks
  // and re-encodes every image again.
  function imageDataUrl(file) {
    if (file.size <= IMAGE_KEEP_BYTES) return readAsDataUrl(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.85);
    });
  }

  /* ---- the editor --------------------------------------------------------------- */

  // Quill 2.0.3 writes every space as &nbsp;, so that a line could never wrap between
  // words; a single one becomes a space again, and a run keeps its width.
  function semanticHtml(quill) {
    return quill.getSemanticHTML().replace(/(?:&nbsp;)+/g, function (run) {
      return new Array(run.length / 6).join("&nbsp;") + " ";
    });
  }

  function init(box) {
    if (box.dataset.ready || typeof window.Quill === "undefined") return;
    box.dataset.ready = "1";
    var Quill = window.Quill;
    var Delta = Quill.import("delta");
    var hidden = box.querySelector("[data-rich-text-value]");
    var textarea = box.querySelector("textarea");
    var toolbar = box.querySelector(".rich-text-toolbar");
    var holder = document.createElement("div");
    holder.className = "rich-text-editor";
    textarea.replaceWith(holder);
    toolbar.hidden = false;

    var quill = new Quill(holder, {
      theme: "snow",
      formats: FORMATS,
      bounds: box,
      modules: {
        toolbar: { container: toolbar },
        uploader: {
          mimetypes: IMAGE_TYPES,
          handler: function (range, files) {
            var ok = files.filter(function (f) { return f.size <= IMAGE_MAX_BYTES; });
            if (ok.length < files.length) window.alert(box.dataset.tooLarge);
            Promise.all(ok.map(imageDataUrl)).then(function (urls) {
              var delta = urls.reduce(function (d, url) { return d.insert({ image: url }); },
                new Delta().retain(range.index).delete(range.length));
              quill.updateContents(delta, "user");
              quill.setSelection(range.index + urls.length, "silent");
            });
          },
        },
      },
    });
    quill.setContents(quill.clipboard.convert({ html: hidden.value }), "silent");

    var root = quill.root;
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    root.setAttribute("aria-labelledby", box.dataset.label);
    var help = document.getElementById(textarea.id + "-help");
    if (help) root.setAttribute("aria-describedby", help.id);
    holder.id = textarea.id;

    // The link tooltip says its words in the page's language (see guildhall.css).
    var tip = quill.theme.tooltip && quill.theme.tooltip.root;
    if (tip) {
      tip.dataset.visit = box.dataset.visit;
      tip.dataset.enter = box.dataset.enter;
      var action = tip.querySelector("a.ql-action");
      var remove = tip.querySelector("a.ql-remove");
      var input = tip.querySelector("input[type=text]");
      if (action) { action.dataset.edit = box.dataset.edit; action.dataset.save = box.dataset.save; }
      if (remove) remove.dataset.remove = box.dataset.remove;
      if (input) {
        input.setAttribute("data-link", "https://");
        input.setAttribute("aria-label", box.dataset.linkLabel);
      }
    }

    // Only a change by the writer rewrites the field: an article saved without touching
    // its text keeps its HTML exactly.
    quill.on("text-change", function () {
      hidden.value = quill.getLength() > 1 || root.querySelector("img") ? semanticHtml(quill) : "";
    });

    // Pasted HTML is cleaned first; plain text and files are Quill's own.
    holder.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      var html = data && data.getData("text/html");
      if (!html) return;
      event.preventDefault();
      event.stopPropagation();
      var range = quill.getSelection(true);
      var pasted = quill.clipboard.convert({ html: cleanPastedHtml(html), text: data.getData("text/plain") });
      var delta = new Delta().retain(range.index).delete(range.length).concat(pasted);
      quill.updateContents(delta, "user");
      quill.setSelection(range.index + pasted.length(), "silent");
      quill.scrollSelectionIntoView();
    }, true);

    // The live phone preview under the editor (the publication form): the text as the
    // editor writes it, rendered in the page's own document; it is the writer's own text.
    var preview = document.querySelector("[data-rich-text-preview='" + textarea.id + "']");
    if (preview) {
      var title = document.getElementById(preview.dataset.title);
      var draw = function () {
        preview.querySelector(".phone-title").textContent = title ? title.value : "";
        preview.querySelector(".pub-body").innerHTML = semanticHtml(quill);
      };
      preview.hidden = false;
      draw();
      quill.on("text-change", draw);
      if (title) title.addEventListener("input", draw);
    }

    box.richText = quill;
  }

  function initAll(scope) {
    (scope || document).querySelectorAll("[data-rich-text]").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt); });
  window.guildhallRichText = { cleanPastedHtml: cleanPastedHtml };
})();
