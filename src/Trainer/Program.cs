using ProbeMonitor.Trainer.Commands;

return TrainerCli.Build().Parse(args).Invoke();
