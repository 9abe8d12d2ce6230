"""What each notebook records for its results test, read from the notebook's own variables.

A notebook's summary cell calls `report.record_run(NOTEBOOK, globals())`; the list of result keys and the
variables they come from lives here, so the learner's cell shows the run's numbers and not this plumbing.
`tests/test_nb0N_*.py` assert on the recorded keys (outputs/results/0N.json). Rename a notebook variable and
its function below names it in a clear error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


class NotebookVariables:
    """Attribute access to a notebook's globals(); a missing name is an error that says which notebook and cell."""

    def __init__(self, notebook: str, variables: Mapping[str, Any]) -> None:
        self._notebook, self._variables = notebook, variables

    def __getattr__(self, name: str) -> Any:
        try:
            return self._variables[name]
        except KeyError:
            raise NameError(f"notebook {self._notebook} has no variable {name!r}, which its results record reads: "
                            f"run the notebook's cells in order before its summary cell (or rename it in "
                            f"helpers/recorded.py)") from None


def _nb02(nb: Any) -> dict[str, Any]:
    return {
        "max_length": nb.MAX_LENGTH,
        "max_length_percentile": nb.max_length_pct,
        "n_truncated": nb.n_truncated,
        "injected": nb.n_injected,
        "injected_caught": nb.n_caught,
        "injected_caught_exactly": nb.exact,
        "dirty_dialog_removed": {k: int(v) for k, v in nb.counts['train'].items()},
        "dirty_senti_removed": {k: int(v) for k, v in nb.s_counts['train'].items()},
        "dialog_rows": {s: len(d) for s, d in nb.clean_dialog.items()},
        "senti_rows": {s: len(d) for s, d in nb.clean_senti.items()},
        "dialog_removed": {s: r['rows in'] - r['rows out'] for s, r in nb.dialog_report.items()},
        "senti_removed": {s: r['rows in'] - r['rows out'] for s, r in nb.senti_report.items()},
        "leaks_left": nb.leaks_left,
        "share_gap_random": nb.dev['random 10%'],
        "share_gap_stratified": nb.dev['stratified 10%'],
        "prompt_masked": nb.n_masked,
        "eos_labels_seq2seq": nb.eos_ours,
        "eos_labels_lm_collator": nb.eos_lm,
        "pad_fraction_max_length": nb.waste['pad to max_length'],
        "pad_fraction_longest": nb.waste[f'pad to longest (batch {nb.BATCH_SIZE})'],
        "pad_fraction_packed": nb.waste['packed'],
        "swap_problems": nb.swap_problems['rows with a problem'],
        "naive_swap_problems": nb.naive_problems['rows with a problem'],
        "augmented_rows": len(nb.augmented),
        "opens_person1_train": nb.opens['train'],
        "opens_person1_swapped": nb.opens['swapped'],
        "near_dup_groups_raw_senti": len(nb.near_groups),
        "saved_reloaded_identical": nb.same,
        "saved": sorted(nb.saved),
        "source": nb.P.source,
        "dialogsum_test_rows": len(nb.dialog['test']),
        "dialogsum_test_dialogues": len(nb.clean_dialog['test']),
        "dialogsum_test_references_per_dialogue": max(len(r) for r in nb.clean_dialog['test']['references']),
        "dialogsum_exact_duplicates_test": nb.dialog_report['test']['exact duplicate'],
    }


def _nb03(nb: Any) -> dict[str, Any]:
    key = {name: name.split(' ')[0] for name in nb.order}  # "decoder + LoRA" -> "decoder"
    return {
        "best": nb.best,
        "reload_same": nb.same,
        "hand_correct": int(nb.hand.ok.sum()),
        "hand_total": len(nb.hand),
        "probe_f1": nb.probe,
        "probe_split": 'validation',
        "classifier_dir": 'artifacts/03_classifier',
        "source": nb.P.source,
        "train_rows": len(nb.data['train']),
        "max_epochs": nb.EPOCHS,
        "random_init_max_epochs": nb.S.random_init_epochs,
        "patience": nb.S.early_stopping_patience,
        "grid": nb.grid_log,
        "grid_f1": {s: {f'{k:g}': v for k, v in g.items()} for s, g in nb.grid_f1.items()},
        "lr": {s: float(nb.chosen[s]) for s in nb.GRID},
        "probe_c": float(nb.probe_c),
        "frozen_model_matches_probe": nb.frozen_same,
        "tfidf_f1": nb.tfidf['f1'],
        "tfidf_c": nb.tfidf_c,
        **{f'{key[n]}_{m}': float(nb.scores[n][m]) for n in nb.order for m in ('f1', 'accuracy')},
        **{f'{key[n]}_vs_tfidf{end}': float(nb.vs_tfidf[n][field]) for n in nb.order
           for end, field in (('', 'mean_diff'), ('_ci_low', 'ci_low'), ('_ci_high', 'ci_high'))},
        **{f'{key[n]}_seconds': float(nb.seconds[n]) for n in nb.order},
        **{f'{key[n]}_state_mb': float(nb.state_mb[n]) for n in nb.order},
        **{f'{key[n]}_val_f1': float(nb.val_f1[n]) for n in nb.order},
        **{f'{key[n]}_trainable': int(nb.n_trainable[n][0]) for n in nb.order},
        **{f'{key[n]}_epochs': float(r.trainer.state.epoch) for n, r in nb.runs.items()},
        **{f'{key[n]}_best_epoch': nb.best_epoch(r.trainer) for n, r in nb.runs.items()},
    }


def _nb04(nb: Any) -> dict[str, Any]:
    return {
        "profile": nb.P.name,
        "rougeL_base": nb.base_rouge['rougeL'],
        "rougeL_ft": nb.ft_rouge['rougeL'],
        "rougeL_ft_zs": nb.ft_rouge_zs['rougeL'],
        "rouge1_base": nb.base_rouge['rouge1'],
        "rouge1_ft": nb.ft_rouge['rouge1'],
        "rouge2_base": nb.base_rouge['rouge2'],
        "rouge2_ft": nb.ft_rouge['rouge2'],
        "rougeL_gain": nb.gain['mean_diff'],
        "rougeL_gain_ci_low": nb.gain['ci_low'],
        "rougeL_gain_ci_high": nb.gain['ci_high'],
        "n_test": len(nb.test),
        "source": nb.P.source,
        "rougeL_lead": nb.baseline_rouge['lead']['rougeL'],
        "rougeL_retrieval": nb.baseline_rouge['retrieval']['rougeL'],
        "lead_turns": nb.LEAD_TURNS,
        "copy_loss_first": nb.copying['first'],
        "copy_loss_second": nb.copying['second'],
        "rougeL_vs_retrieval": nb.vs_retrieval['mean_diff'],
        "rougeL_vs_retrieval_ci_low": nb.vs_retrieval['ci_low'],
        "rougeL_vs_retrieval_ci_high": nb.vs_retrieval['ci_high'],
        **{f'{m}_lead': nb.baseline_rouge['lead'][m] for m in ('rouge1', 'rouge2')},
        **{f'{m}_vs_lead_ci_low': nb.vs_lead[m]['ci_low'] for m in nb.vs_lead},
        "invented_ft": nb.invented['fine-tuned'],
        "invented_retrieval": nb.invented['retrieval'],
        "invented_refs": nb.invented['references'],
        "run_on_base": 1 - sum(nb.base_stopped) / nb.n_zs,
        "n_zero_shot": nb.n_zs,
        "run_on_ft": 1 - sum(nb.ft_stopped) / len(nb.test),
        "max_new_tokens": nb.S.max_new_tokens,
        "base_model": nb.shape.model_type,
        "references_per_dialogue": max(len(r) for r in nb.test['references']),
        "prompts_shortened": nb.prompts_shortened,
        "test_prompts_cut": nb.test_prompts_cut,
        "examples_cut": nb.packed['examples_cut'],
        "completion_tokens_lost": nb.packed['completion_tokens_lost'],
        "rougeL_before_save": nb.before,
        "rougeL_reloaded": nb.after,
        "reload_identical": nb.reload_same,
        "n_check": nb.n_check,
        "merged_identical": nb.merged_same,
        "max_logit_diff": nb.max_logit_diff,
        "merged_agrees_4bit": nb.agree_4bit,
        "rougeL_merged": nb.merged_rouge_l,
        "adapter_mb": nb.adapter_mb,
        "base_mb": nb.base_mb,
        "adapter_dtype": str(nb.adapter_dtype),
        "train_loss_first": nb.curves['train'][1][0],
        "train_loss_last": nb.curves['train'][1][-1],
        "eval_loss_first": nb.curves['validation'][1][0],
        "eval_loss_last": nb.curves['validation'][1][-1],
        "train_seconds": nb.train_seconds,
        "max_steps": nb.MAX_STEPS,
        "steps_trained": nb.steps_trained,
        "peak_mb": nb.mem.peak_mb,
        "peak_delta_mb": nb.mem.delta_mb,
        "estimate_mb": nb.estimate_mb,
        "trainable_params": nb.trainable,
        "total_params": nb.total,
        "phi2_trainable": nb.phi2_trainable,
        "phi2_total": nb.phi2_total,
        "lora_r": nb.LORA_R,
        "packed_rows": nb.packed['rows'],
        "examples_per_row": nb.packed['examples_per_row'],
        "row_fill": nb.packed['row_fill'],
        "examples_missing": nb.packed['examples_missing'],
    }


def _nb05(nb: Any) -> dict[str, Any]:
    from .metrics import length_stats  # evaluate and scikit-learn: imported only where used
    SHORT = {'fine-tuned': 'ft', f'fine-tuned, first {nb.n_zs}': 'ft_first'}
    return {
        "hand_accuracy": nb.correct / 100,
        "hand_precision": 45 / 50,
        "hand_recall": 80 / 100,
        "hand_f1": nb.f1_hand,
        "micro_f1": nb.by_hand['micro'],
        "macro_f1": nb.by_hand['macro'],
        "weighted_f1": nb.by_hand['weighted'],
        "clf_accuracy": nb.clf_scores['accuracy'],
        "clf_macro_f1": nb.clf_scores['f1'],
        "clf_source": nb.clf_source,
        "clf_confusion": nb.cm.tolist(),
        "hand_rouge1": nb.hand['rouge1'][2],
        "hand_rougeL": nb.hand['rougeL'][2],
        "module_rouge1": nb.module['rouge1'],
        "module_rougeL": nb.module['rougeL'],
        "copy_rouge1_recall": nb.length_rows['whole dialogue']['ROUGE-1 R'],
        "copy_rouge1_precision": nb.length_rows['whole dialogue']['ROUGE-1 P'],
        "source_04": nb.source_04,
        "n_test": len(nb.refs),
        "n_zero_shot": nb.n_zs,
        "n_bootstrap": nb.N_BOOTSTRAP,
        **{f"{r['metric']}_{SHORT.get(r['system'], r['system'])}_{k}": r[k] for r in nb.rows
           for k in ('mean', 'ci_low', 'ci_high')},
        "rougeL_gain": nb.gain['mean_diff'],
        "rougeL_gain_ci_low": nb.gain['ci_low'],
        "rougeL_gain_ci_high": nb.gain['ci_high'],
        "rougeL_vs_retrieval": nb.vs_retrieval['mean_diff'],
        "rougeL_vs_retrieval_ci_low": nb.vs_retrieval['ci_low'],
        "rougeL_vs_retrieval_ci_high": nb.vs_retrieval['ci_high'],
        "lead_turns": nb.LEAD_TURNS,
        "invented_share_retrieval": nb.invented_share_retrieval,
        "len_ref_mean": length_stats(nb.refs)['mean'],
        "len_ft_mean": length_stats(nb.ft_preds)['mean'],
        "len_base_mean": length_stats(nb.base_preds)['mean'],
        "iter_max_steps": nb.ITER_MAX_STEPS,
        "iter_lora_r": nb.ITER_LORA_R,
        "iter_seconds": nb.iter_seconds,
        "iter_r32_source": nb.iter_source[32],
        "iter_scale_r32": nb.scales[32],
        "iter_scale_candidate": nb.scales[nb.ITER_LORA_R],
        "iter_rougeL_r32": float(np.mean(nb.iter_scores[32])),
        "iter_rougeL_candidate": float(np.mean(nb.iter_scores[nb.ITER_LORA_R])),
        "iter_diff": nb.delta['mean_diff'],
        "iter_ci_low": nb.delta['ci_low'],
        "iter_ci_high": nb.delta['ci_high'],
        "iter_decision": nb.decision,
        "overfit_train_first": nb.curves['train'][1][0],
        "overfit_train_last": nb.curves['train'][1][-1],
        "overfit_val_first": nb.val_losses[0],
        "overfit_val_last": nb.val_losses[-1],
        "overfit_val_best": nb.stop['best_loss'],
        "early_best_step": nb.stop['best_step'],
        "early_stop_step": nb.stop['stop_step'],
        "overfit_last_step": nb.val_steps[-1],
        "patience": nb.PATIENCE,
        "worst_topic": nb.slices['group'].iloc[0],
        "worst_topic_rougeL": nb.slices['mean'].iloc[0],
        "best_topic_rougeL": nb.slices['mean'].iloc[-1],
        "swap_identical": nb.swap_identical,
        "swap_agreement": nb.swap_agreement,
        "swap_n": nb.n_swap,
        "invented_share": nb.invented_share,
        "seconds": time.perf_counter() - nb.NOTEBOOK_STARTED,
        "source": nb.P.source,
        "n_topic_slices": len(nb.slices),
        "iter_split": 'validation',
        "iter_n_val": len(nb.iter_val),
        "iter_margin": nb.MARGIN,
    }


def _nb06(nb: Any) -> dict[str, Any]:
    def mean_of(name: str, key: str = "scores") -> dict[str, float]:
        return {task: float(np.mean(v[key])) for task, v in nb.scores[name].items()}

    def ci(d: dict) -> dict[str, float]:
        return {k: float(d[k]) for k in ("mean_diff", "ci_low", "ci_high")}

    return {
        "source": nb.P.source,
        "tasks": list(nb.TASKS),
        "n_test": {task: len(rows) for task, rows in nb.test.items()},
        "example_counts": nb.counts,
        "max_steps": nb.MAX_STEPS,
        "steps": {"multi-task LoRA": nb.multi_trainer.state.global_step,
                  "single-task LoRA": nb.single_trainer_steps, "single-task full": nb.full_trainer_steps,
                  "sequential LoRA": nb.domain_steps_run + nb.sequential_task_steps},
        "domain_steps": nb.domain_steps_run,
        "prompts_cut": nb.fitted,
        "references_per_dialogue": max(len(r.get("references", [None])) for r in nb.test["summarize"]),
        "zero_shot": mean_of("zero-shot"),
        "multi_task": mean_of("multi-task LoRA"),
        "stopped": {name: mean_of(name, "stopped") for name in nb.scores},
        "baseline": {task: float(v) for task, v in nb.baseline.items()},
        "sft_vs_zero": {task: ci(d) for task, d in nb.sft_vs_zero.items()},
        "single_vs_multi": ci(nb.d_single),
        "single_task": mean_of("single-task LoRA"),
        "full": mean_of("single-task full"),
        "forgetting": {name: {part: ci(f[part]) for part in ("learned", "sentiment", "bpb")}
                       for name, f in nb.forgetting.items()},
        "general_bpb": {name: float(np.mean(v)) for name, v in nb.bpb.items()},
        "general_paragraphs": len(nb.general),
        "sequential_vs_direct": ci(nb.d_seq),
        "bias": {model: {check: {"flipped": int(sum(f)), "n": len(f)} for check, f in rates.items()}
                 for model, rates in nb.bias.items()},
        "dpo_pairs": len(nb.pairs),
        "dpo_pair_kinds": nb.kinds,
        "dpo_steps": nb.dpo_trainer.state.global_step,
        "dpo_margins": [float(m) for m in nb.margins],
        "dpo_accuracies": [float(a) for a in nb.accuracies],
        "dpo_margin_first": float(nb.margins[0]),
        "dpo_margin_last": float(nb.margins[-1]),
        "dpo_win_rate": {k: float(v) for k, v in nb.dpo_win.items()},
        "dpo_changed": nb.changed,
        "n_heldout": len(nb.heldout),
        "dpo_heldout_pairs": len(nb.dpo_eval),
        "dpo_heldout_before": {k.removeprefix("eval_rewards/"): float(v) for k, v in nb.held_before.items()
                               if k.startswith("eval_rewards/")},
        "dpo_heldout_after": {k.removeprefix("eval_rewards/"): float(v) for k, v in nb.held_after.items()
                              if k.startswith("eval_rewards/")},
        "judge_pairs": len(nb.calibration),
        "judge_checks_prefer_chosen": nb.checks.count(1),
        "judge_verdicts": {"A": nb.verdicts.count("A"), "B": nb.verdicts.count("B"),
                           "unreadable": nb.verdicts.count(None)},
        "judge_consistent": sum(x != 0 for x in nb.llm),
        "judge_agreement": nb.judge_agreement,
        "seconds_multi": nb.multi_seconds,
        "seconds_full": nb.full_seconds,
        "seconds_single": nb.single_seconds,
        "seconds_dpo": nb.dpo_seconds,
        "seconds_zero_shot": nb.zero_shot_seconds,
        "seconds": time.perf_counter() - nb.NOTEBOOK_STARTED,
    }


RECORDERS: dict[str, Callable[[Any], dict[str, Any]]] = {"02": _nb02, "03": _nb03, "04": _nb04, "05": _nb05,
                                                         "06": _nb06}


def results_of(notebook: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The result keys of `notebook` (its name, e.g. "04_qlora_phi2_dialogue_summarization", or its number "04")
    computed from its variables (a notebook passes globals())."""
    number = notebook[:2]
    if number not in RECORDERS:
        raise KeyError(f"no results recorder for notebook {notebook!r}; known: {sorted(RECORDERS)}")
    return RECORDERS[number](NotebookVariables(notebook, variables))
