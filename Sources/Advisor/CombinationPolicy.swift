/// How the advisor combines the rulebook's rules into one design.
///
/// 1. Fixed choices win. Every value the user fixed is kept; when it breaks a rule the advisor
///    warns with the rule ID, the reason and the spec key path. An explicit `model.layers` list
///    is the network as written.
/// 2. Output (ACT-OUTPUT-*): softmax + cross-entropy for multiclass, one sigmoid + binary
///    cross-entropy for binary, linear + MSE for regression.
/// 3. Depth: DEPTH-LINEAR (linear probe at 100% training accuracy, or a linear validation R²
///    within the margin of the designed MLP's, trained briefly) gives no hidden layer. So does
///    a SIZE-CAPACITY total below the smallest useful width `max(No, 2)` (too few rows: a
///    linear model), and a
///    SIZE-BOUNDS range that admits only width 1 (one ReLU unit is a hinge that dies easily).
///    Otherwise DEPTH-LOW (`Ni <= 32`): 1 hidden layer, 2 when the data affords two tapered
///    layers even at the conservative alpha 10, or when DEPTH-WIDE-VS-DEEP applies (the width
///    rules want 2 * Ni or more while No < 2 * Ni) and SIZE-CAPACITY affords the second layer
///    (with the three width rules this cannot happen; users' wide layers get the advice in
///    the SIZE-BOUNDS warning); DEPTH-HIGH
///    (`Ni > 32`): 3, 4 or 5 layers.
/// 4. Widths: the median of SIZE-GEOMETRIC, SIZE-TWO-THIRDS and SIZE-MEAN, rounded (halves up),
///    clamped to SIZE-BOUNDS `[No, 2 * Ni)` (and to at least 2); SIZE-TAPER halves it layer
///    after layer (never below No). The total is cut to fit SIZE-CAPACITY (alpha from
///    `advisor.capacity_alpha`, default 2) by lowering the first width, and with an auto depth
///    a layer is dropped while the capacity starves the first layer below half the width the
///    rules want; then SIZE-FLOOR (calibrated, `advisor.width_floor`, default 128) raises the
///    first width to the floor and the taper follows it (`width_floor: 0`: the capacity's
///    widths stand).
/// 5. Hidden layers: ReLU (ACT-HIDDEN-DEFAULT), Swish from 6 layers (ACT-HIDDEN-DEEP);
///    initialiser by INIT-BY-ACTIVATION (He normal for ReLU family, Glorot uniform for the
///    s-shaped and output activations, LeCun normal for SELU); batch norm from 3 layers
///    (BN-DEEP), before ReLU-family activations and after s-shaped ones (BN-PLACEMENT), dense
///    bias off when batch norm follows it; dropout only when parameters exceed Ns
///    (REG-DROPOUT, rate 0.1..0.5 growing with the excess) and never with batch norm
///    (REG-BN-REPLACES-DROPOUT).
/// 6. Regularisation (OVERFIT-RECIPE-MLP): classical, early stopping + L2 of
///    `clamp(0.1 / Ns, 1e-6, 1e-2)` (REG-WEIGHT-DECAY within REG-L2-RANGE); with dropout the
///    modern recipe, dropout + max-norm 3 + early stopping, no L2; AdamW decays weights itself.
/// 7. Training: Adam 0.9/0.999/1e-8 (OPT-DEFAULT); learning rate `auto` for the range test
///    (LR-RANGE-TEST: its suggestion when the confidence is high, else 1e-3); constant
///    schedule; batch 32 below 10,000 rows, 128/256/512 above (BATCH-SMALL/LARGE-DATA),
///    halved to fit memory (BATCH-MEMORY), at least 8 (BATCH-NOT-TOO-SMALL), at most Ns
///    (BATCH-NEVER-ABOVE-DATA); epochs for about 20,000 steps within 10..500 (EPOCHS-BY-SIZE);
///    early stopping patience 10, min_delta 1e-4, best weights restored (EARLY-STOP); clipnorm
///    1.0 (CLIP-DEFAULTS); shuffle every epoch (SHUFFLE-ALWAYS).
public enum CombinationPolicy {
    /// The policy in words, for `layerwise recommend` to print.
    public static let text = """
        How the advisor combines the rules
        1. Fixed choices win. A value set in the spec is kept; if it breaks a rule, a warning
           names the rule, the reason and the key path. An explicit model.layers list is the
           network as written.
        2. Output: softmax + cross-entropy (multiclass), one sigmoid + binary cross-entropy
           (binary), linear + mse (regression)  [ACT-OUTPUT-*]
        3. Depth:
           - no hidden layer when the data is linear [DEPTH-LINEAR]: the linear probe reaches
             100% training accuracy, or its validation R2 is within the margin (0.01) of the
             designed MLP's (trained briefly);
           - no hidden layer when the total capacity Ns / (alpha * (Ni + No)) is below
             max(No, 2) [SIZE-CAPACITY], or when SIZE-BOUNDS admits only width 1;
           - Ni <= 32: 1 hidden layer, 2 when even alpha 10 affords two tapered layers [DEPTH-LOW],
             or when the width rules want 2 * Ni or more (No < 2 * Ni) and the capacity affords
             a second layer: depth rather than width [DEPTH-WIDE-VS-DEEP];
           - Ni > 32: 3 layers up to 128 inputs, 4 up to 512, 5 beyond [DEPTH-HIGH];
           - a layer fewer while the capacity cuts the first width below half its rule value.
        4. Widths: median of SIZE-GEOMETRIC, SIZE-TWO-THIRDS, SIZE-MEAN, rounded (halves up),
           clamped to SIZE-BOUNDS [No, 2 * Ni) and to at least 2, raised to 128 [SIZE-FLOOR,
           calibrated on the quality suite]; halved layer after layer, never below No
           [SIZE-TAPER]; SIZE-CAPACITY (alpha 2 by default) still takes layers away where it
           starves them, but cuts the first width no further than the floor
           (advisor.width_floor: 0: it cuts the total to fit).
        5. Hidden layers: relu [ACT-HIDDEN-DEFAULT], swish from 6 layers [ACT-HIDDEN-DEEP];
           He normal for the ReLU family, Glorot uniform for s-shaped and output activations,
           LeCun normal for selu [INIT-BY-ACTIVATION]; batch norm from 3 layers [BN-DEEP],
           before ReLU-family activations, after s-shaped ones, dense bias off when it follows
           [BN-PLACEMENT]; dropout only when parameters exceed Ns, rate
           clamp(0.1 + 0.1 * log2(P / Ns), 0.1, 0.5) [REG-DROPOUT], none with batch norm
           [REG-BN-REPLACES-DROPOUT].
        6. Regularisation: early stopping + L2 = clamp(0.1 / Ns, 1e-6, 1e-2)
           [OVERFIT-RECIPE-MLP classical, REG-WEIGHT-DECAY, REG-L2-RANGE]; with dropout:
           early stopping + dropout + max-norm 3, no L2 [OVERFIT-RECIPE-MLP modern].
        7. Training: adam 0.9/0.999/1e-8 [OPT-DEFAULT]; learning_rate auto, resolved by the
           range test, its suggestion only when the confidence is high, else 1e-3
           [LR-RANGE-TEST]; constant schedule; batch 32 below 10,000 rows, else
           128/256/512 [BATCH-SMALL-DATA, BATCH-LARGE-DATA], halved to fit memory
           [BATCH-MEMORY], >= 8 [BATCH-NOT-TOO-SMALL], <= Ns [BATCH-NEVER-ABOVE-DATA]; epochs
           for about 20,000 steps within 10..500 [EPOCHS-BY-SIZE]; early stopping patience
           10, min_delta 1e-4, best weights restored [EARLY-STOP]; clip_norm 1.0
           [CLIP-DEFAULTS]; shuffle every epoch [SHUFFLE-ALWAYS].
        Thresholds marked proposed in the rulebook come from the spec's advisor: section.
        """
}
