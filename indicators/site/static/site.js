// The chart pages show a pre-rendered image at once; the interactive chart (plotly.js, several
// megabytes) is loaded only when a reader reaches for it: a pointer over the chart, keyboard
// focus on it, or the button. Nothing is fetched from outside the site.
(function () {
  "use strict";
  var loaded = {};

  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(s);
      });
    }
    return loaded[src];
  }

  function activate(figure) {
    if (figure.dataset.state) { return; }
    figure.dataset.state = "loading";
    var d = figure.dataset;
    var status = figure.querySelector(".chart-status");
    if (status) { status.textContent = "Loading the interactive chart…"; }
    var first = [load(d.plotly)];
    if (d.topojson) { first.push(load(d.topojson)); }
    Promise.all(first)
      .then(function () { return load(d.figure); })
      .then(function () {
        var spec = window.siteFigures[d.chart];
        var live = figure.querySelector(".chart-live");
        var layout = Object.assign({}, spec.layout, { autosize: true });
        delete layout.width;
        live.hidden = false;
        return window.Plotly.newPlot(live, spec.data, layout, {
          responsive: true,
          displaylogo: false,
          modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"],
          toImageButtonOptions: { filename: d.chart },
        });
      })
      .then(function () {
        figure.dataset.state = "live";
        figure.querySelector(".chart-static").hidden = true;
        var button = figure.querySelector(".chart-activate");
        if (button) {
          // A hidden button drops its focus to <body>: a keyboard reader stays on the chart
          var focused = document.activeElement === button;
          button.hidden = true;
          if (focused) { figure.tabIndex = -1; figure.focus({ preventScroll: true }); }
        }
        if (status) { status.textContent = "Interactive chart loaded."; }
      })
      .catch(function (err) {
        figure.dataset.state = "failed";
        figure.querySelector(".chart-live").hidden = true;
        if (status) { status.textContent = "The interactive chart could not be loaded; the image above is the same chart. (" + err.message + ")"; }
      });
  }

  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var go = function () { activate(figure); };
    ["pointerenter", "touchstart", "focusin"].forEach(function (name) {
      figure.addEventListener(name, go, { once: true, passive: true });
    });
    var button = figure.querySelector(".chart-activate");
    if (button) { button.addEventListener("click", go); }
  });
})();
