// Jalon — a signature pad for the day's welcome: the candidate signs with a finger or a
// stylus in the frame; the drawing is sent with the form as a PNG.
(function () {
  "use strict";
  function setup(pad) {
    var canvas = pad.querySelector("canvas");
    var field = pad.querySelector("input[name=signature]");
    var clear = pad.querySelector("button.clear");
    var form = pad.closest("form");
    var tick = form.querySelector("input[name=signed]");
    var ctx = canvas.getContext("2d");
    var drawn = false, down = false, last = null;

    function resize() {
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var w = canvas.clientWidth, h = canvas.clientHeight;
      if (!w || !h) { return; }
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#10233f";
      drawn = false;
      field.value = "";
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      down = true;
      last = point(e);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1, 0, 2 * Math.PI);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!down) { return; }
      e.preventDefault();
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    function up() {
      if (!down) { return; }
      down = false;
      if (drawn) {
        field.value = canvas.toDataURL("image/png");
        if (tick) { tick.checked = true; }
        pad.classList.add("signed");
      }
    }
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
    clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
      pad.classList.remove("signed");
    });
    resize();
  }
  function init() {
    var pads = document.querySelectorAll(".signature-pad");
    for (var i = 0; i < pads.length; i++) { setup(pads[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
