// Shows only the inputs the chosen rule kind reads (the server ignores the others anyway); an empty row shows its kind only.
(function () {
  var uses = {per_unit: ["business", "amount"], percent: ["business", "rate", "cap"], tiered: ["business", "tiers"],
              bonus: ["business", "threshold", "amount", "valid_from", "valid_to"], star_coefficient: ["coefficients"]};
  document.querySelectorAll("[data-rule]").forEach(function (row) {
    var kind = row.querySelector("[data-input=kind] select");
    function sync() {
      var shown = uses[kind.value];
      row.querySelectorAll("[data-input]").forEach(function (box) {
        var name = box.getAttribute("data-input");
        box.style.display = (name === "kind" || (shown && shown.indexOf(name) >= 0)) ? "" : "none";
      });
    }
    kind.addEventListener("change", sync);
    sync();
  });
})();
