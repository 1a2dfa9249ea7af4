// The rulebook's structure around the rules: its introduction, its sections in order and their
// prose. `RulebookWriter` renders them with the rules as docs/rulebook.md
// (`layerwise rulebook --format markdown -o docs/rulebook.md`; a test keeps the file current).

extension RuleCatalog {
    static let combination = "How the advisor combines the rules"
    static let libraryDefaults = "Defaults of well-known libraries"

    /// The path of the generated rulebook in the repository, as `--explain` cites it.
    public static let documentPath = "docs/rulebook.md"

    /// The rulebook's title.
    public static let title = "The Layerwise rulebook"

    /// The prose before the first section: what the rulebook is, its symbols.
    public static let introduction: [RulebookProse] = [
        .paragraph(
            "Every rule the advisor, the data layer and the diagnostics apply, each with a stable "
                + "ID. The project's code names the rule it applies by this ID, its output prints "
                + "the ID, and its tests check each rule's formula. `layerwise recommend --explain "
                + "RULE-ID` prints one rule with its source, `layerwise recommend --policy` how "
                + "the advisor combines them."),
        .paragraph(
            "\"Notes\" below are the headings of `tuning-notes.md`, the collection of "
                + "hyperparameter-tuning notes the rules were drawn from (not shipped with "
                + "Layerwise). Rules marked **proposed** carry thresholds that no "
                + "source fixes: they are starting values, kept in one place in the code, "
                + "documented, and overridable from the spec (its `advisor:` section, see "
                + "[docs/spec.md](spec.md))."),
        .paragraph(
            "Symbols: `Ni` = input width after encoding (one-hot columns and embedding "
                + "dimensions counted), `No` = output width (classes for multiclass, 1 for binary "
                + "and for single-target regression), `Ns` = training rows, `C` = number of "
                + "classes."),
    ]

    /// Every section of the rulebook, in order; each rule stands in the one its
    /// `RuleText.section` names.
    public static let sections: [RuleSection] = [
        RuleSection(
            sizing,
            closing: [
                .paragraph(
                    "SIZE-CAPACITY bounds the *total* hidden neurons across all hidden layers; "
                        + "the other rules give a per-layer width. The advisor shows every "
                        + "rule's value, says which apply, and states how it combines them (for "
                        + "example: the median of the width rules, clamped to SIZE-BOUNDS and to "
                        + "SIZE-CAPACITY, then tapered; in full: \"\(combination)\" below). "
                        + "Widths are rounded to integers, at least 1 (the advisor's own designs "
                        + "use at least 2).")
            ]),
        RuleSection(depth),
        RuleSection(activations),
        RuleSection(batches),
        RuleSection(
            optimizer,
            closing: [
                .heading("The range test (LR-RANGE-TEST), exact procedure"),
                .paragraph(
                    "Sources: keras_lr_finder (`lr_finder.py`), fastai `lr_find`, Lightning's "
                        + "LR finder. `layerwise lr-find SPEC` runs it on its own; "
                        + "`training.learning_rate: auto` runs it inside `layerwise train`."),
                .steps([
                    "Copy the weights and optimizer state; restore both afterwards.",
                    "Sweep exponentially from 1e-7 to 10 over 100 optimizer steps (at least one "
                        + "pass over a sample of the training data; cycle batches if the data "
                        + "is smaller): `lr_k = lo * (hi/lo)^(k/(n-1))`.",
                    "Smooth the loss with an exponential moving average, beta 0.98, "
                        + "bias-corrected: `avg = beta*avg + (1-beta)*loss; smooth = avg / (1 - "
                        + "beta^k)`.",
                    "Stop early on a non-finite loss, or after 5 steps once `smooth > 4 * best`.",
                    "Drop the first 10% of points and the last 5, and anything after the first "
                        + "non-finite value.",
                    "Suggestions: `valley` (fastai's default: the longest stretch of decreasing "
                        + "loss; the point about two thirds into it) as the choice; `steep` "
                        + "and `minimum/10` as cross-checks, read from a centred trend (at "
                        + "each rate a Theil-Sen line through the raw losses within half a "
                        + "decade; the EMA lags by up to 50 steps): `steep` is the trend's "
                        + "steepest fall against log10 lr before its lowest point, the "
                        + "minimum the first rate within the trend's noise of that point.",
                    "Confidence is high only when the trend falls by at least 5% and 2.5 "
                        + "times the step noise of the flat part (1.4826 * MAD about the "
                        + "trend), the valley lies in that fall (after a tenth of it, below "
                        + "the lowest point), and valley, steep and minimum/10 agree within "
                        + "10x; each failed condition is named.",
                ]),
            ]),
        RuleSection(regularisation),
        RuleSection(
            diagnostics, sources: ["Google's loss-curve guide"],
            introduction: [
                .paragraph(
                    "`layerwise train` ends with these findings and `layerwise diagnose RUN` "
                        + "prints them for any run. Signals: training and validation loss per "
                        + "epoch (and per step where recorded), EMA-smoothed with beta 0.98; the "
                        + "window is the last 10% of the points, at least 5. Thresholds are "
                        + "**proposed**.")
            ],
            closing: [
                .paragraph(
                    "Each finding prints its ID, the evidence (the numbers that triggered it), "
                        + "and the change to make, written as a concrete edit to the spec "
                        + "(`training.learning_rate: 0.1 -> 0.03`); `layerwise diagnose RUN "
                        + "--write-spec FILE` writes the spec with the edits applied.")
            ]),
        RuleSection(
            encoding,
            introduction: [
                .paragraph(
                    "How categorical inputs reach the network. The data layer applies these "
                        + "rules when it fits the encoding on the training split, `layerwise "
                        + "profile` names them for each column, and the advisor sees their "
                        + "result as `Ni`.")
            ]),
        RuleSection(
            dataEncoding,
            introduction: [
                .paragraph(
                    "How the data layer types a column and encodes it. The spec's choices come "
                        + "first (`data.ignore`, `data.features`, `data.categorical`, `data.id`); "
                        + "every other column is typed from its values (constant, binary, date, "
                        + "identifier, free text, category or number). Numbers are standardised "
                        + "on the training split, categories follow \"\(encoding)\" above. "
                        + "`layerwise profile` prints each column's type, its encoding and the "
                        + "rule that chose it.")
            ]),
        RuleSection(
            tuning,
            sources: [
                "Optuna (TPESampler, SuccessiveHalvingPruner)", "Deep Learning Tuning Playbook",
            ],
            introduction: [
                .paragraph(
                    "`layerwise tune SPEC` experiments and verifies, starting from the rules: "
                        + "trials scored on the validation split (or `tune.cv` folds), the "
                        + "best trained as `train` would and scored once on the test split. "
                        + "These rules are the search's, not the advisor's: `recommend` does "
                        + "not apply them.")
            ]),
        RuleSection(
            combination,
            introduction: [
                .paragraph(
                    "The policy `layerwise recommend --policy` prints: how the rules above "
                        + "become one design."),
                .preformatted(policySteps),
            ]),
        RuleSection(
            libraryDefaults,
            introduction: [
                .paragraph("For reference and comparison."),
                .bullets([
                    "Keras Adam: lr 1e-3, betas 0.9/0.999, eps 1e-7. PyTorch Adam: eps 1e-8. "
                        + "AdamW weight decay: Keras 0.004, PyTorch 0.01.",
                    "ReduceLROnPlateau (Keras and PyTorch): factor 0.1, patience 10, min_delta "
                        + "1e-4.",
                    "scikit-learn MLP: hidden (100,), relu, adam 1e-3, alpha (L2) 1e-4, batch "
                        + "min(200, Ns), early stopping off (10% hold-out and n_iter_no_change "
                        + "10 when on), Glorot-uniform init.",
                    "Ludwig trainer: epochs 100, adam 1e-3, early stop after 5 evaluations, "
                        + "gradient global-norm clip 0.5, numeric inputs z-scored, missing "
                        + "numeric inputs filled with 0, split 0.7/0.1/0.2.",
                    "Batch-size search as Ludwig does it: double from 1 while throughput rises, "
                        + "cap at 20% of the data and at 128 on CPU.",
                ]),
            ]),
    ]

    /// The combination policy without its title line (the section's heading says it).
    static var policySteps: String {
        let lines = CombinationPolicy.text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.dropFirst().joined(separator: "\n")
    }
}
