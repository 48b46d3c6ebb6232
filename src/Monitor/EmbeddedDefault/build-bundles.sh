#!/usr/bin/env bash
# Rebuilds the embedded default's committed probe bundles (probes/) and export reports (reports/) from ../shared.
#
#   bash src/Monitor/EmbeddedDefault/build-bundles.sh            # from anywhere inside the checkout
#   WORK=/tmp/pm-bundles KEEP=1 bash .../build-bundles.sh         # keep the intermediate files
#
# Steps (every one a Trainer verb; see PROVENANCE.md for what the numbers mean):
#  1. init-model: the random Gemma-2 from config.json and checkpoint.json's seed; its SHA-256 must match checkpoint.json.
#  2. prepare: SQuAD 2.0 dev (2,000, balanced, default prompt template) and BoolQ (1,000, balanced, OOD) for answerability;
#     HateCheck English (all 3,728) and Davidson (2,000, balanced, OOD) as single user turns for toxicity.
#  3. extract: chat-formatted prompts (BOS added by the tokenizer), residual stream after the hook layer, pooled (POOLING).
#  4. train-sae: a TopK SAE (width 2048, k 16) on token-level activations of 300 SQuAD prompts and packed HateCheck
#     turns (not the OOD sets), and its frozen-decoder random baseline.
#  5. export: answerability and toxicity, dense and SAE bundles, model id probemonitor/gemma-2-tiny-random-v1.
# Needs the .NET SDK, ../shared (or $PROBEMONITOR_SHARED) and /usr/bin/python3 (stdlib only, to pack short texts).
set -euo pipefail

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$ROOT"
HERE=src/Monitor/EmbeddedDefault
SHARED=${PROBEMONITOR_SHARED:-$ROOT/../shared}
# A fixed default work folder: the activation files record their paths, and the manifests hash those files.
WORK=${WORK:-/tmp/probemonitor-embedded-bundles}
POOLING=${POOLING:-last}
MODEL_ID=probemonitor/gemma-2-tiny-random-v1
SEED=$(sed -n 's/.*"seed": *\([0-9]*\).*/\1/p' $HERE/checkpoint.json)
LAYER=$(sed -n 's/.*"hook_layer": *\([0-9]*\).*/\1/p' $HERE/checkpoint.json)
HASH=$(sed -n 's/.*"model_safetensors_sha256": *"\([0-9a-f]*\)".*/\1/p' $HERE/checkpoint.json)
KEY=blocks.$LAYER.hook_resid_post
mkdir -p "$WORK"
echo "build-bundles: work folder $WORK, seed $SEED, layer $LAYER, pooling $POOLING" >&2

dotnet build -c Release src/Trainer -v quiet -nologo >&2
T() { dotnet run -c Release --no-build --project src/Trainer -- "$@"; }

# 1. The model.
T init-model --config $HERE/config.json --seed "$SEED" --dtype f32 --out "$WORK/model"
ACTUAL=$(sha256sum "$WORK/model/model.safetensors" | cut -d' ' -f1)
[ "$ACTUAL" = "$HASH" ] || { echo "build-bundles: model.safetensors is $ACTUAL, checkpoint.json says $HASH" >&2; exit 1; }

# 2. The datasets.
T prepare --source squad2 --input "$SHARED/data/answerability/squad2-dev.json.gz" --count 2000 --balanced --seed 1 --out "$WORK/squad.jsonl"
T prepare --source boolq --input "$SHARED/data/answerability/boolq-dev.jsonl.gz" --count 1000 --balanced --seed 2 --out "$WORK/boolq.jsonl"
T prepare --source hatecheck --input "$SHARED/data/toxicity/hatecheck-en.csv.gz" --out "$WORK/hatecheck.jsonl"
T prepare --source davidson --input "$SHARED/data/toxicity/davidson-labeled.csv.gz" --count 2000 --balanced --seed 3 --out "$WORK/davidson.jsonl"

# 3. Pooled activations at the hook layer. No --truncate: cutting a prompt would move its last token off the
#    "<start_of_turn>model\n" position the probes read, so a prompt longer than the model's 2,048 positions must fail.
#    (The longest here are 1,012 tokens, SQuAD, and 875, BoolQ.)
#    The answerability prompts come out of prepare already in chat format; the toxicity texts become single user turns here.
for set in squad boolq hatecheck davidson; do
  chat=(); case $set in hatecheck|davidson) chat=(--chat-template) ;; esac
  T extract --model "$WORK/model" --tokenizer $HERE/tokenizer.json --input "$WORK/$set.jsonl" --layers "$LAYER" \
    --pooling "$POOLING" --batch-size 16 "${chat[@]}" --out "$WORK/$set.safetensors" 2> >(tail -n 1 >&2)
done

# 4. The SAE corpus: 300 SQuAD prompts (a different draw) and HateCheck cases packed 12 to a user turn, token-level.
T prepare --source squad2 --input "$SHARED/data/answerability/squad2-dev.json.gz" --count 300 --balanced --seed 4 --out "$WORK/sae-squad.jsonl"
T prepare --source hatecheck --input "$SHARED/data/toxicity/hatecheck-en.csv.gz" --out "$WORK/sae-hatecheck-raw.jsonl"
/usr/bin/python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
lines = [json.loads(l)["text"] for l in open(f"{work}/sae-squad.jsonl", encoding="utf-8")]
cases = [json.loads(l)["text"].strip() for l in open(f"{work}/sae-hatecheck-raw.jsonl", encoding="utf-8")]
for i in range(0, len(cases), 12):
    lines.append("<start_of_turn>user\n" + " ".join(cases[i:i + 12]) + "<end_of_turn>\n<start_of_turn>model\n")
with open(f"{work}/sae-corpus.jsonl", "w", encoding="utf-8") as f:
    for text in lines:
        f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
PY
T extract --model "$WORK/model" --tokenizer $HERE/tokenizer.json --input "$WORK/sae-corpus.jsonl" --layers "$LAYER" \
  --pooling none --batch-size 16 --max-tokens 256 --truncate --out "$WORK/sae-tokens.safetensors" 2> >(tail -n 1 >&2)
T train-sae --acts "$WORK/sae-tokens.safetensors" --key "$KEY" --arch topk --width 2048 --k 16 --steps 3000 --batch 512 \
  --lr 4e-4 --seed 0 --model-name "$MODEL_ID" --out "$WORK/sae-topk" 2> >(tail -n 2 >&2)
T train-sae --acts "$WORK/sae-tokens.safetensors" --key "$KEY" --arch topk --width 2048 --k 16 --steps 3000 --batch 512 \
  --lr 4e-4 --seed 0 --model-name "$MODEL_ID" --freeze decoder --out "$WORK/sae-random-decoder" 2> >(tail -n 2 >&2)

# 5. Bundles and reports.
for task in answerability toxicity; do
  if [ $task = answerability ]; then acts=squad; ood="boolq=$WORK/boolq.safetensors"; else acts=hatecheck; ood="davidson=$WORK/davidson.safetensors"; fi
  T export --task $task --acts "$WORK/$acts.safetensors" --key "$KEY" --sae "$WORK/sae-topk" \
    --sae-id "$MODEL_ID/layer_$LAYER/topk-2048-k16" --random-sae "$WORK/sae-random-decoder" --ood "$ood" \
    --model-id "$MODEL_ID" --layer "$LAYER" --pooling "$POOLING" --target-fpr 0.05 --seed 42 --overwrite --out "$WORK/export-$task"
done

# Only the bundles go to probes/ (BundleDirectory loads every subfolder there); results and reports go to reports/.
rm -rf $HERE/probes $HERE/reports
mkdir -p $HERE/probes $HERE/reports
for task in answerability toxicity; do
  mv "$WORK/export-$task/$task-dense" "$WORK/export-$task/$task-sae" $HERE/probes/
  mkdir -p $HERE/reports/$task
  cp "$WORK/export-$task/results.json" "$WORK/export-$task/report.md" "$WORK/export-$task/"*.svg $HERE/reports/$task/
done
for sae in sae-topk sae-random-decoder; do
  mkdir -p $HERE/reports/$sae
  cp "$WORK/$sae/cfg.json" $HERE/reports/$sae/
  tail -n 1 "$WORK/$sae/training_log.jsonl" > $HERE/reports/$sae/last-log.json
done
echo "build-bundles: wrote $(ls $HERE/probes | tr '\n' ' ') under $HERE/probes" >&2
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
