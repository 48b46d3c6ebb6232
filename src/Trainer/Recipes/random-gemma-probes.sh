#!/usr/bin/env bash
# Sparse-probing and answerability tables from a RANDOM Gemma-2-architecture checkpoint (see README.md beside this file).
#
#   src/Trainer/Recipes/random-gemma-probes.sh [WORK_DIR]
#
# WORK_DIR (default /tmp/pm-random-gemma) receives the checkpoint, the JSONL inputs and the activations; only the
# reports are copied to src/Trainer/Recipes/results/. Every step is seeded, so a rerun gives the same numbers (up to
# floating-point summation order in the multithreaded GEMM). Sizes can be raised through the variables below.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
WORK=${1:-/tmp/pm-random-gemma}
RESULTS=${RESULTS:-$REPO/src/Trainer/Recipes/results}

SEED=0
LAYER=1                      # blocks.1.hook_resid_post: after 2 of the 4 blocks, the middle of the model
KEY="blocks.$LAYER.hook_resid_post"
SP_TRAIN=${SP_TRAIN:-512}    # sparse-probing training examples per dataset (the benchmark's normal setting uses 1024)
SP_TEST=${SP_TEST:-256}      # sparse-probing test examples per dataset
SP_OOD=${SP_OOD:-256}        # covariate-shift examples, where the benchmark has an ood/ set
SQUAD_N=${SQUAD_N:-2000}      # balanced SQuAD 2.0 examples for answerability (the study uses 2,000)
ANS_OOD=${ANS_OOD:-200}      # examples per out-of-domain answerability set
SAE_WIDTH=${SAE_WIDTH:-1024} # 4 × d_model
SAE_K=${SAE_K:-16}
SAE_STEPS=${SAE_STEPS:-800}
MAX_TOKENS=${MAX_TOKENS:-1024}

# Twelve sae-probes datasets: the product's own interests (toxicity, hate, QNLI, truthfulness, SciQ, SST-2, CoLA) and
# short-prompt ones, four of them with the benchmark's covariate-shift sets.
DATASETS=(5_hist_fig_ismale 21_headline_istrump 36_sciq_tf 41_truthqa_tf 66_living-room 87_glue_cola 90_glue_qnli
          92_glue_sst2 95_toxic_is 106_hate_hate 117_us_state_FL 154_athlete_sport_football)
declare -A OOD_POSITIVE=([5_hist_fig_ismale]="" [66_living-room]="" [87_glue_cola]="" [90_glue_qnli]="not_entailment")

TOKENIZER="$SHARED/models/gemma2-tokenizer"
SAE_PROBES="$SHARED/data/sae-probes"
SQUAD="$SHARED/data/answerability/squad2-dev.json.gz"
BOOLQ="$SHARED/data/answerability/boolq-dev.jsonl.gz"
for f in "$TOKENIZER/tokenizer.json" "$SAE_PROBES/index.json" "$SQUAD" "$BOOLQ"; do
  [[ -e $f ]] || { echo "missing shared file: $f (see ../shared/README.md)" >&2; exit 1; }
done

mkdir -p "$WORK"/{in,acts,out}
START=$(date +%s)
stamp() { echo "[$(( $(date +%s) - START )) s, load $(cut -d' ' -f1-3 /proc/loadavg)] $*" >&2; }

stamp "build"
dotnet build "$REPO/src/Trainer" -c Release -v quiet -nologo >&2
T=(dotnet "$REPO/src/Trainer/bin/Release/net10.0/probemonitor-trainer.dll")
extract() { # POOLING NAME… : one process, so the model and tokenizer load once
  local pooling=$1 pairs=() name
  shift
  for name in "$@"; do pairs+=(--input "$WORK/in/$name.jsonl" --out "$WORK/acts/$name.safetensors"); done
  "${T[@]}" extract --model "$WORK/model" --tokenizer "$TOKENIZER" "${pairs[@]}" --layers "$LAYER" --pooling "$pooling" \
    --batch-size 16 --max-tokens "$MAX_TOKENS" --truncate > "$WORK/extract-$pooling.log" 2>&1 || { tail -5 "$WORK/extract-$pooling.log" >&2; exit 1; }
  grep 'extract: wrote' "$WORK/extract-$pooling.log" >&2
}

stamp "random Gemma-2 checkpoint: d_model 256, 4 layers, vocabulary 256,000, BF16, seed $SEED"
cat > "$WORK/config.json" <<'JSON'
{"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": 256, "intermediate_size": 1024, "num_hidden_layers": 4,
 "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "query_pre_attn_scalar": 64, "sliding_window": 4096,
 "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
 "vocab_size": 256000, "hidden_activation": "gelu_pytorch_tanh", "tie_word_embeddings": true, "max_position_embeddings": 8192,
 "initializer_range": 0.02, "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2}
JSON
"${T[@]}" init-model --config "$WORK/config.json" --seed "$SEED" --dtype bf16 --out "$WORK/model" >&2

stamp "sparse-probing inputs: $SP_TRAIN train + $SP_TEST test per dataset (stratified, disjoint)"
SP_ARGS=()
POOLED=()
for d in "${DATASETS[@]}"; do
  "${T[@]}" prepare --source sae-probes --input "$SAE_PROBES" --name "$d" --count "$SP_TRAIN" --test-out "$WORK/in/$d.test.jsonl" \
    --test-count "$SP_TEST" --seed "$SEED" --out "$WORK/in/$d.train.jsonl" > /dev/null
  POOLED+=("$d.train" "$d.test")
  files="$WORK/acts/$d.train.safetensors,$WORK/acts/$d.test.safetensors"
  if [[ -v OOD_POSITIVE[$d] ]]; then
    positive=()
    [[ -n ${OOD_POSITIVE[$d]} ]] && positive=(--positive-label "${OOD_POSITIVE[$d]}")
    "${T[@]}" prepare --source sae-probes-ood --input "$SAE_PROBES" --name "$d" "${positive[@]}" --count "$SP_OOD" --seed "$SEED" \
      --out "$WORK/in/$d.ood.jsonl" > /dev/null
    POOLED+=("$d.ood")
    files="$files,$WORK/acts/$d.ood.safetensors"
  fi
  SP_ARGS+=(--dataset "$d=$files")
done

stamp "answerability inputs: $SQUAD_N balanced SQuAD 2.0 (default template) and $ANS_OOD-example OOD sets"
# The template variants reuse the seed, so their test draw is the same held-back questions the default set left out.
"${T[@]}" prepare --source squad2 --input "$SQUAD" --count "$SQUAD_N" --balanced --test-out "$WORK/in/squad-heldout.jsonl" \
  --test-count "$ANS_OOD" --seed "$SEED" --out "$WORK/in/squad.jsonl" > /dev/null
for t in question-first answer-or-abstain; do
  "${T[@]}" prepare --source squad2 --input "$SQUAD" --template "$t" --count 2 --balanced --test-out "$WORK/in/squad-$t.jsonl" \
    --test-count "$ANS_OOD" --seed "$SEED" --out "$WORK/in/unused.jsonl" > /dev/null
done
"${T[@]}" prepare --source boolq --input "$BOOLQ" --count "$ANS_OOD" --balanced --seed "$SEED" --out "$WORK/in/boolq.jsonl" > /dev/null
"${T[@]}" prepare --source equation --generate "$ANS_OOD" --seed "$SEED" --out "$WORK/in/equation.jsonl" > /dev/null
"${T[@]}" prepare --source celebrity --generate "$ANS_OOD" --seed "$SEED" --out "$WORK/in/celebrity.jsonl" > /dev/null
POOLED+=(squad squad-question-first squad-answer-or-abstain boolq equation celebrity)
stamp "extract: last-token activations of ${#POOLED[@]} files"
extract last "${POOLED[@]}"

stamp "SAE corpus: every token of 40 training prompts per sae-probes dataset and 100 SQuAD prompts"
: > "$WORK/in/sae-corpus.jsonl"
for d in "${DATASETS[@]}"; do head -n 40 "$WORK/in/$d.train.jsonl" >> "$WORK/in/sae-corpus.jsonl"; done
head -n 100 "$WORK/in/squad.jsonl" >> "$WORK/in/sae-corpus.jsonl"
extract none sae-corpus
stamp "TopK SAE: width $SAE_WIDTH, k $SAE_K, $SAE_STEPS steps"
"${T[@]}" train-sae --acts "$WORK/acts/sae-corpus.safetensors" --key "$KEY" --arch topk --width "$SAE_WIDTH" --k "$SAE_K" \
  --steps "$SAE_STEPS" --batch 256 --lr 0.001 --seed "$SEED" --log-every 200 --model-name random-gemma2-d256 --out "$WORK/sae" 2>&1 | tail -2 >&2

stamp "evaluate sparse-probing over ${#DATASETS[@]} datasets"
"${T[@]}" evaluate sparse-probing "${SP_ARGS[@]}" --key "$KEY" --methods logreg,pca,knn,mlp,gbdt,sae --sae "$WORK/sae" --max-k 128 \
  --seed "$SEED" --out "$WORK/out/sparse-probing" 2> "$WORK/out/sparse-probing.log"

stamp "evaluate answerability"
A="$WORK/acts"
"${T[@]}" evaluate answerability --acts "$A/squad.safetensors" --key "$KEY" --sae "$WORK/sae" --top-k 20 --seed "$SEED" \
  --ood "squad-question-first=$A/squad-question-first.safetensors" --ood "squad-answer-or-abstain=$A/squad-answer-or-abstain.safetensors" \
  --ood "boolq=$A/boolq.safetensors" --ood "equation=$A/equation.safetensors" --ood "celebrity=$A/celebrity.safetensors" \
  --out "$WORK/out/answerability" 2> "$WORK/out/answerability.log"

stamp "copy reports to $RESULTS"
rm -rf "$RESULTS/sparse-probing" "$RESULTS/answerability"
mkdir -p "$RESULTS"
cp -r "$WORK/out/sparse-probing" "$WORK/out/answerability" "$RESULTS/"   # reports, results.json and SVGs only: no activations
uptime > "$RESULTS/load.txt"
echo "total $(( $(date +%s) - START )) s wall" >> "$RESULTS/load.txt"
stamp "done"
